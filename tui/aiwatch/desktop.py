"""A desktop notification through the terminal, where the terminal is known to show one:
OSC 9 (iTerm2, WezTerm, Ghostty, kitty, Windows Terminal) or OSC 777 (foot, rxvt, VTE-based
terminals such as GNOME Terminal). Elsewhere the app rings the bell only."""

from __future__ import annotations

from collections.abc import Mapping

from aiwatch.text import visible

OSC9_PROGRAMS = {"iTerm.app", "WezTerm", "ghostty"}
LIMIT = 200  # characters of a notice: terminals cut long ones differently


def _clean(text: str) -> str:
    """One line, no control characters, no ';' (OSC 777's separator)."""
    return visible(text).replace(";", ",")[:LIMIT]


def notice_sequence(title: str, body: str, env: Mapping[str, str]) -> str:
    """The escape sequence that shows `title: body` as a desktop notice, or "" when this
    terminal is not known to support one."""
    term = env.get("TERM", "")
    if (env.get("TERM_PROGRAM") in OSC9_PROGRAMS or term == "xterm-kitty"
            or "WT_SESSION" in env):
        return f"\x1b]9;{_clean(f'{title}: {body}')}\x07"
    if term.startswith(("foot", "rxvt")) or "VTE_VERSION" in env:
        return f"\x1b]777;notify;{_clean(title)};{_clean(body)}\x07"
    return ""
