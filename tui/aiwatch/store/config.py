"""Settings as TOML in the user config dir: the watchlist and the refresh interval.

A missing file means defaults; a broken one means defaults plus a message saying what is wrong,
never a crash. The file is only written when the user changes the watchlist.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_TICKERS = ("BABA", "AMZN", "MSFT", "GOOGL")
# Yahoo's symbol forms: AAPL, BRK-B, BRK.B, 9988.HK, M&M.NS, EURUSD=X, ES=F, ^GSPC, BTC-USD,
# option contracts (AAPL260116C00150000). Letters, digits and . - = & after a letter or digit;
# a caret only in front. Never a slash, space or control character: the symbol names a file.
TICKER_PATTERN = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-=&]{0,23}$")


@dataclass(frozen=True, slots=True)
class Config:
    tickers: tuple[str, ...] = DEFAULT_TICKERS
    refresh_minutes: float = 5.0
    problems: tuple[str, ...] = field(default=())  # what was wrong with the file, if anything


def valid_ticker(text: object) -> str | None:
    """The normalised ticker, or None when it cannot be a Yahoo symbol."""
    if not isinstance(text, str) or not text.isascii():  # "ß".upper() is "SS"
        return None
    ticker = text.strip().upper()
    return ticker if TICKER_PATTERN.fullmatch(ticker) else None


def load_config(path: Path) -> Config:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(problems=(f"{path.name} ignored: {exc}",))
    config, problems = Config(), []
    tickers = raw.get("tickers")
    if tickers is not None:
        good = [t for t in map(valid_ticker, tickers if isinstance(tickers, list) else []) if t]
        if good:
            config = replace(config, tickers=tuple(dict.fromkeys(good)))
        if not isinstance(tickers, list) or len(good) != len(tickers):
            problems.append("tickers: some entries are not ticker symbols and were skipped")
    minutes = raw.get("refresh_minutes")
    if minutes is not None:
        if isinstance(minutes, int | float) and minutes > 0:
            config = replace(config, refresh_minutes=float(minutes))
        else:
            problems.append("refresh_minutes must be a positive number; using 5")
    return replace(config, problems=tuple(problems))
