"""The app states pictured by the snapshot tests and by scripts/screenshots.py: one table, so
the README's screenshots are the tested screens."""

from __future__ import annotations

from datetime import UTC, datetime

FIXED_NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
SIZES = {"wide": (160, 45), "medium": (100, 40), "narrow": (70, 30)}
SCREENS: dict[str, tuple[str, ...]] = {  # screen name -> keys pressed after launch
    "home": (),
    "detail": ("enter",),
    "help": ("question_mark",),
    "compare": ("c",),
    "race": ("w",),
    "sources": ("m",),
    "add": ("a", "N", "V"),
}
