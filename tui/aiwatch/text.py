"""Text from outside (notes, the user's CSVs, Yahoo, paths, error messages) made safe to show.

A terminal acts on control characters: `ESC ] 0 ; … BEL` retitles it, `ESC ] 52 ; …` writes the
clipboard, `ESC [ 2 J` clears the screen, OSC 8 plants a link. Rich strips only BEL, BS, VT, FF
and CR, so every string from outside goes through `visible` before it is rendered: each C0
control becomes its Control Pictures glyph (ESC → ␛), DEL becomes ␡, each C1 control (which
some terminals read as ESC + a letter: U+009B is CSI) becomes `\\x9b`. Nothing is dropped, so
the reader sees that the text holds something odd. Pure: no Rich, no Textual.
"""

from __future__ import annotations

import re

KEPT_IN_PROSE = "\n\t"  # multi-line text (a note, a list of messages) keeps its lines and tabs
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CURRENCY = "[A-Z]{3}"  # compiled on first use (re caches it): start-up needs none


def picture(char: str) -> str:
    """How one control character is shown: ␛ for ESC, ␡ for DEL, `\\x9b` for a C1 control."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\\x{code:02x}"


def visible(text: str, multiline: bool = False) -> str:
    """`text` with every control character shown as a picture, none left for the terminal;
    `multiline` keeps newlines and tabs (a lone CR is still shown: it would overwrite a line)."""
    if multiline:
        text = text.replace("\r\n", "\n")
    return _CONTROL.sub(
        lambda m: m[0] if multiline and m[0] in KEPT_IN_PROSE else picture(m[0]), text)


def has_control(text: str, multiline: bool = False) -> bool:
    """Whether `text` holds a character `visible` would replace."""
    return visible(text, multiline) != (text.replace("\r\n", "\n") if multiline else text)


def currency_code(value: object) -> str:
    """A currency as an ISO 4217 code (USD, CNY), or "" for anything else Yahoo may send."""
    return value if isinstance(value, str) and re.fullmatch(_CURRENCY, value) else ""


def clean(value: object, limit: int = 200) -> str:
    """A one-line string from a data source with its control characters removed and its
    length capped, for what is stored (the cache) rather than shown."""
    if not isinstance(value, str):
        return ""
    return _CONTROL.sub("", value)[:limit]
