"""The user's config.toml as a test writes it (under the tmp XDG dirs `tmp_home` sets), and the
100-symbol list the speed tests use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aiwatch import locations

MANY = ("MSFT", "AMZN", "GOOGL", "BABA", *(f"T{n:02d}" for n in range(96)))


def write_config(text: str) -> Path:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def write_tickers(tickers: Sequence[str]) -> Path:
    return write_config("tickers = [" + ", ".join(f'"{t}"' for t in tickers) + "]\n")


async def all_cards_built(app, pilot) -> None:  # noqa: ANN001
    """The cards past the first screenful are built after the first frame: wait for them."""
    for _ in range(200):
        await pilot.pause()
        if len(app.screen.cards) == len(app.tickers):
            break
    else:
        raise AssertionError("the cards were never all built")
    await app.animator.wait_until_complete()
    for _ in range(5):  # the layout the last batch brings, and its repaint, done too
        await pilot.pause(0.02)
