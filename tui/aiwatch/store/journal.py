"""journal.md beside the notes: one dated line per check flip or alert, appended, never
rewritten, so the history of the thesis survives the app and reads as Markdown.

A line: `- 2026-11-25 14:30 UTC · MSFT · check · cloud_yoy >= 30 · ✔ → ✘ · 28.5`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from aiwatch.text import visible

if TYPE_CHECKING:
    from aiwatch.alerts import Flip

HEADER = "# aiwatch journal\n\nCheck flips and alerts, appended by aiwatch after each refresh.\n\n"
READ_AT_MOST = 1_000_000  # bytes from the end: a long journal is read by its tail


class JournalError(Exception):
    """The journal could not be written; the message says why, in words."""


def line(flip: Flip) -> str:
    from aiwatch.alerts import MARKS  # loaded once a refresh has flipped something

    when = flip.when.strftime("%Y-%m-%d %H:%M %Z").strip()
    return (f"- {when} · {visible(flip.ticker)} · {flip.kind} · {visible(flip.text)} · "
            f"{MARKS[flip.old]} → {MARKS[flip.new]} · {visible(flip.value)}\n")


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, flips: Iterable[Flip]) -> None:
        text = "".join(line(f) for f in flips)
        if not text:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write((HEADER if fresh else "") + text)
        except OSError as exc:
            raise JournalError(f"journal not written: {exc.strerror or exc}") from exc

    def lines_for(self, ticker: str, limit: int = 50) -> list[str]:
        """The newest `limit` lines about `ticker`, oldest first; none if there is no journal."""
        try:
            with self.path.open("rb") as source:
                size = source.seek(0, os.SEEK_END)
                source.seek(max(0, size - READ_AT_MOST))
                raw = source.read().decode("utf-8", "replace")
        except OSError:
            return []
        marker = f" · {ticker} · "
        found = [ln.rstrip("\n")[2:] for ln in raw.splitlines(keepends=True)
                 if ln.startswith("- ") and marker in ln]
        return found[-limit:]
