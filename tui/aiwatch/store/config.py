"""Settings as TOML in the user config dir: the watchlist and the refresh interval.

A missing file means defaults; a broken one means defaults plus a message saying what is wrong,
never a crash. The file is only written when the user changes the watchlist.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_TICKERS = ("BABA", "AMZN", "MSFT", "GOOGL")
# Yahoo's symbol forms: AAPL, BRK-B, BRK.B, 9988.HK, M&M.NS, EURUSD=X, ES=F, ^GSPC, BTC-USD,
# option contracts (AAPL260116C00150000). Letters, digits and . - = & after a letter or digit;
# a caret only in front. Never a slash, space or control character: the symbol names a file.
TICKER_PATTERN = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-=&]{0,23}$")
# Below a minute a Yahoo that is down would be asked many times a second; above a day the
# cards would never be refreshed while the app is open.
DEFAULT_REFRESH_MINUTES = 5.0
MIN_REFRESH_MINUTES = 1.0
MAX_REFRESH_MINUTES = 1440.0


@dataclass(frozen=True, slots=True)
class Config:
    tickers: tuple[str, ...] = DEFAULT_TICKERS
    refresh_minutes: float = DEFAULT_REFRESH_MINUTES
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
    if "refresh_minutes" in raw:
        minutes, problem = refresh_minutes(raw["refresh_minutes"])
        config = replace(config, refresh_minutes=minutes)
        if problem:
            problems.append(problem)
    return replace(config, problems=tuple(problems))


def refresh_minutes(value: object) -> tuple[float, str]:
    """The interval to use for a configured value, and what was wrong with it ("" if nothing).

    A bool is not a number here (TOML `true` would otherwise count as 1); NaN and infinity
    are rejected; values outside the floor and ceiling are pulled in, saying so.
    """
    default = DEFAULT_REFRESH_MINUTES
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default, "refresh_minutes must be a number of minutes; using 5"
    if not math.isfinite(value) or value <= 0:
        return default, "refresh_minutes must be a positive number; using 5"
    if value < MIN_REFRESH_MINUTES:
        return MIN_REFRESH_MINUTES, "refresh_minutes below 1; using 1"
    if value > MAX_REFRESH_MINUTES:
        return MAX_REFRESH_MINUTES, "refresh_minutes above 1440 (a day); using 1440"
    return float(value), ""
