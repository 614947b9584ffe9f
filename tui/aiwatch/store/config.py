"""Settings as TOML in the user config dir: the lists, how they are shown, positions, keys.

A missing file means defaults; a broken one means defaults plus a message saying what is wrong,
never a crash. Every bad value is named in `Config.problems` by its key, with what is wrong and
what is used instead; the rest of the file still counts. Messages never repeat a value that
failed its pattern (it may hold control characters); names that passed one may be shown.
The first run writes FIRST_RUN_CONFIG, the defaults with every key explained (kept here,
beside the defaults it must parse to); after that the file is written only by
store/config_edit.py, which keeps the user's comments (and imports tomlkit, ~90 ms of CPU
that start-up does not pay).
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path

from msgspec import Struct, field
from msgspec.structs import replace

from aiwatch.store.atomic import write_atomic

DEFAULT_TICKERS = ("BABA", "AMZN", "MSFT", "GOOGL")
DEFAULT_LIST = "ai-cloud"  # the name of the default list: the four AI-cloud names
# Yahoo's symbol forms: AAPL, BRK-B, BRK.B, 9988.HK, M&M.NS, EURUSD=X, ES=F, ^GSPC, BTC-USD,
# option contracts (AAPL260116C00150000). Letters, digits and . - = & after a letter or digit;
# a caret only in front. Never a slash, space or control character: the symbol names a file.
TICKER_PATTERN = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-=&]{0,23}$")
# Below a minute a Yahoo that is down would be asked many times a second; above a day the
# cards would never be refreshed while the app is open.
DEFAULT_REFRESH_MINUTES = 5.0
MIN_REFRESH_MINUTES = 1.0
MAX_REFRESH_MINUTES = 1440.0
# list order, day change, 1-month return, cloud growth, failing thesis checks first
SORTS = ("list", "day", "month", "cloud", "checks")
VIEWS = ("cards", "compact", "auto")  # auto: compact below 100x30
DEFAULT_BASE_CURRENCY = "USD"
# A list name is a bare TOML key (`[lists.chips]`, no quotes needed) and is shown on screen.
LIST_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
# Patterns only some files need are strings, compiled on first use (re caches them).
THEME_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"  # textual-dark, nord, ...
# ISO codes, and Yahoo's minor units whose case matters: GBp is pence, a hundredth of GBP.
CURRENCY = re.compile(r"^[A-Z]{2}[A-Za-z]$")
BINDING_ID = r"^[A-Za-z0-9_-]{1,32}(\.[A-Za-z0-9_-]{1,32}){0,3}$"  # app.quit
KEY_NAME = r"^([A-Za-z0-9_+-]{1,40}|[!-~])$"  # ctrl+q, question_mark, f1, ?
SAFE_KEY = r"^[A-Za-z0-9_-]{1,32}$"  # a key that may be named in a message
KNOWN_KEYS = ("tickers", "refresh_minutes", "list", "lists", "sort", "theme", "view",
              "base_currency", "positions", "keymap")
LOT_KEYS = ("quantity", "cost", "date", "currency")

FIRST_RUN_CONFIG = """\
# aiwatch settings. aiwatch changes this file when you edit the list in the app, and keeps
# your comments and layout when it does. A value it cannot use is named in the status bar
# and replaced by its default; the rest of the file still counts.

# The list shown: one of the [lists.<name>] tables below (L switches in the app).
list = "ai-cloud"

# Card order: list (as written), day (day change), month (1-month return),
# cloud (cloud-segment growth) or checks (failing thesis checks first). s cycles.
sort = "list"

# cards, compact (one line per symbol) or auto (compact below 100x30). v toggles.
view = "auto"

# A Textual theme: textual-dark, textual-light, nord, gruvbox, tokyo-night, dracula, ...
# Left out, Textual's default. ctrl+p lists them all.
# theme = "nord"

# The currency of the portfolio's total (three letters, e.g. USD, EUR, HKD).
base_currency = "USD"

# Minutes between refreshes while the market is open (1 to 1440).
refresh_minutes = 5

# Watchlists: any Yahoo symbol (BRK-B, 9988.HK, 7203.T, ^GSPC, EURUSD=X).
# A list name may hold letters, digits, - and _.
[lists.ai-cloud]
tickers = ["BABA", "AMZN", "MSFT", "GOOGL"]

# [lists.chips]
# tickers = ["NVDA", "AMD", "TSM", "AVGO"]

# Positions: one [[positions.<SYMBOL>]] table per lot (quote symbols with a dot:
# [[positions."9988.HK"]]). quantity, cost (per share), date (YYYY-MM-DD); currency is
# optional, the symbol's own currency when left out.
# [[positions.BABA]]
# quantity = 10
# cost = 85.20
# date = 2024-03-01
# currency = "USD"

# Keys: binding id = "keys" (comma-separated), e.g. "app.quit" = "q,f10". ? lists the keys.
# [keymap]
# "app.refresh" = "r,f5"
"""


class Lists(Struct, frozen=True):
    """The named watchlists as read, in file order, and the one chosen with `list = "..."`."""

    named: tuple[tuple[str, tuple[str, ...]], ...] = ((DEFAULT_LIST, DEFAULT_TICKERS),)
    active: str = DEFAULT_LIST

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.named)

    def get(self, name: str) -> tuple[str, ...] | None:
        return next((tickers for n, tickers in self.named if n == name), None)


class Lot(Struct, frozen=True):
    """One purchase: how many, at what unit cost, when, in which currency (None: the
    symbol's own, as Yahoo quotes it)."""

    quantity: float
    cost: float
    date: date
    currency: str | None = None


class Positions(Struct, frozen=True):
    """The lots per symbol, symbols in file order."""

    lots: tuple[tuple[str, tuple[Lot, ...]], ...] = ()

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(symbol for symbol, _ in self.lots)

    def of(self, symbol: str) -> tuple[Lot, ...]:
        return next((lots for s, lots in self.lots if s == symbol), ())


class Config(Struct, frozen=True):
    """The settings as read, defaults where the file has none or a bad value."""

    tickers: tuple[str, ...] = DEFAULT_TICKERS  # what the app shows: the active list's symbols
    refresh_minutes: float = DEFAULT_REFRESH_MINUTES
    lists: Lists = Lists()
    sort: str = "list"
    theme: str | None = None  # None: Textual's default
    view: str = "auto"
    base_currency: str = DEFAULT_BASE_CURRENCY
    positions: Positions = Positions()
    keymap: tuple[tuple[str, str], ...] = ()  # binding id -> keys, for App.set_keymap
    session_tickers: bool = False  # tickers came from --tickers: shown, never saved
    problems: tuple[str, ...] = field(default=())  # what was wrong with the file, if anything


def valid_ticker(text: object) -> str | None:
    """The normalised ticker, or None when it cannot be a Yahoo symbol."""
    if not isinstance(text, str) or not text.isascii():  # "ß".upper() is "SS"
        return None
    ticker = text.strip().upper()
    return ticker if TICKER_PATTERN.fullmatch(ticker) else None


def parse_tickers(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Comma-separated symbols (`--tickers NVDA,ORCL`): the valid ones, normalised and without
    repeats, and the entries that are not symbols, as typed."""
    entries = [entry.strip() for entry in text.split(",") if entry.strip()]
    good = [t for t in map(valid_ticker, entries) if t]
    bad = tuple(entry for entry in entries if valid_ticker(entry) is None)
    return tuple(dict.fromkeys(good)), bad


def with_session_tickers(config: Config, tickers: tuple[str, ...]) -> Config:
    """The config showing `tickers` for this session only (edits must not be saved)."""
    return replace(config, tickers=tickers, session_tickers=True)


def with_available_themes(config: Config, themes: Iterable[str]) -> Config:
    """The config with its theme checked against the themes the app has (the store does not
    know Textual's); an unknown one falls back to the default, saying so."""
    if config.theme is None or config.theme in set(themes):
        return config
    problem = f"theme: there is no theme named {config.theme}; using the default theme"
    return replace(config, theme=None, problems=(*config.problems, problem))


def write_first_run(path: Path) -> bool:
    """Write the commented FIRST_RUN_CONFIG when there is no config at all (not even a
    dangling symlink); never replaces a file, even one created meanwhile. True if written;
    raises OSError."""
    if os.path.lexists(path):
        return False
    return write_atomic(path, FIRST_RUN_CONFIG.encode("utf-8"), exclusive=True)


def load_config(path: Path) -> Config:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(problems=(f"{path.name} ignored: {exc}",))
    return config_from(raw, path.name)


def config_from(raw: Mapping[str, object], file_name: str = "config.toml") -> Config:
    """The settings in a parsed file; each bad value replaced by its default and named."""
    problems: list[str] = []
    unknown = [key for key in raw if key not in KNOWN_KEYS]
    problems += [f"{file_name}: unknown key {_named(key)} ignored" for key in unknown]
    lists = read_lists(raw, file_name, problems)
    tickers = lists.get(lists.active) or ()
    if not tickers:
        key = "tickers" if lists.active == DEFAULT_LIST else f"lists.{lists.active}.tickers"
        if not any(p.startswith((f"{key} ", f"{key}:")) for p in problems):  # said already
            problems.append(f"{key} has no symbols; showing {', '.join(DEFAULT_TICKERS)}")
        tickers = DEFAULT_TICKERS
    config = Config(tickers=tickers, lists=lists)
    if "refresh_minutes" in raw:
        minutes, problem = refresh_minutes(raw["refresh_minutes"])
        config = replace(config, refresh_minutes=minutes)
        problems += filter(None, [problem])
    config = replace(
        config,
        sort=_choice(raw, "sort", SORTS, "list", problems),
        view=_choice(raw, "view", VIEWS, "auto", problems),
        theme=_theme(raw.get("theme"), problems),
        base_currency=_base_currency(raw.get("base_currency"), problems),
        positions=read_positions(raw.get("positions"), problems),
        keymap=read_keymap(raw.get("keymap"), problems),
    )
    return replace(config, problems=tuple(problems))


def read_lists(raw: Mapping[str, object], file_name: str, problems: list[str]) -> Lists:
    """The named lists and the active one. The default list, `ai-cloud`, is
    `[lists.ai-cloud]`, else the top-level `tickers = [...]` (the file's older form), else
    the four defaults. A list that cannot be used is skipped, and `list` naming it falls back
    to the default list."""
    named: dict[str, tuple[str, ...]] = {DEFAULT_LIST: DEFAULT_TICKERS}
    if "tickers" in raw:
        named[DEFAULT_LIST] = read_tickers(raw["tickers"], "tickers", problems)
    tables = raw.get("lists", {})
    if not isinstance(tables, Mapping):
        problems.append("lists must be tables like [lists.chips] with tickers = [...]; ignored")
        tables = {}
    bad_names = [name for name in tables if not LIST_NAME.fullmatch(name)]
    if bad_names:
        problems.append(f"lists: {len(bad_names)} list name(s) are not letters, digits, - and _ "
                        "(up to 32); skipped")
    for name, table in tables.items():
        if name in bad_names:
            continue
        if not isinstance(table, Mapping) or "tickers" not in table:
            problems.append(f"lists.{name} must be a table with tickers = [...]; skipped")
            continue
        if name == DEFAULT_LIST and "tickers" in raw:
            problems.append(f"tickers: [lists.{DEFAULT_LIST}] is given too; using "
                            f"[lists.{DEFAULT_LIST}]")
        named[name] = read_tickers(table["tickers"], f"lists.{name}.tickers", problems)
        problems += [f"lists.{name}: unknown key {_named(key)} ignored"
                     for key in table if key != "tickers"]
    return Lists(tuple(named.items()), _active(raw, named, file_name, problems))


def read_tickers(value: object, key: str, problems: list[str]) -> tuple[str, ...]:
    """A list's symbols, normalised and without repeats; entries that are not symbols are
    skipped, saying so."""
    if not isinstance(value, list):
        problems.append(f'{key} must be a list of symbols like ["BABA", "MSFT"]; ignored')
        return ()
    good = [t for t in map(valid_ticker, value) if t]
    if len(good) != len(value):
        problems.append(f"{key}: some entries are not ticker symbols and were skipped")
    return tuple(dict.fromkeys(good))


def _active(raw: Mapping[str, object], named: Mapping[str, tuple[str, ...]], file_name: str,
            problems: list[str]) -> str:
    name = raw.get("list", DEFAULT_LIST)
    if not isinstance(name, str):
        problems.append(f'list must be a list name in quotes, like "{DEFAULT_LIST}"; '
                        f"showing {DEFAULT_LIST}")
        return DEFAULT_LIST
    if name not in named:
        what = f"no [lists.{name}] in {file_name}" if LIST_NAME.fullmatch(name) else (
            "not a list name")
        problems.append(f"list: {what}; showing {DEFAULT_LIST}")
        return DEFAULT_LIST
    return name


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


def _choice(raw: Mapping[str, object], key: str, choices: tuple[str, ...], default: str,
            problems: list[str]) -> str:
    """One of `choices`; anything else is named and replaced by `default`."""
    value = raw.get(key, default)
    if value in choices:
        return str(value)
    problems.append(f"{key} must be one of {', '.join(choices)}; using {default}")
    return default


def _theme(value: object, problems: list[str]) -> str | None:
    if value is None or (isinstance(value, str) and re.fullmatch(THEME_NAME, value)):
        return value
    problems.append('theme must be a theme name like "nord"; using the default theme')
    return None


def currency_code(value: object) -> str | None:
    """A currency as written (`usd` read as USD; Yahoo's `GBp`, pence, kept), or None."""
    if not isinstance(value, str):
        return None
    code = value.upper() if value.islower() else value
    return code if CURRENCY.fullmatch(code) else None


def _base_currency(value: object, problems: list[str]) -> str:
    if value is None:
        return DEFAULT_BASE_CURRENCY
    code = currency_code(value)
    if code and code.isupper():
        return code
    problems.append("base_currency must be a three-letter currency code like USD; using USD")
    return DEFAULT_BASE_CURRENCY


def read_positions(value: object, problems: list[str]) -> Positions:
    """Lots per symbol from `[[positions.<SYMBOL>]]` tables (one `[positions.<SYMBOL>]` table
    counts as one lot). A bad lot is skipped and named by symbol and number; the others stay."""
    if value is None:
        return Positions()
    if not isinstance(value, Mapping):
        problems.append("positions must be tables like [[positions.BABA]]; ignored")
        return Positions()
    lots: dict[str, list[Lot]] = {}
    bad_symbols = 0
    for key, tables in value.items():
        symbol = valid_ticker(key)
        if symbol is None:
            bad_symbols += 1
            continue
        if isinstance(tables, Mapping):
            tables = [tables]
        if not isinstance(tables, list):
            problems.append(f"positions.{symbol} must be [[positions.{symbol}]] tables of "
                            "quantity, cost and date; skipped")
            continue
        for number, table in enumerate(tables, 1):
            lot, problem = read_lot(table)
            if lot is None:
                problems.append(f"positions.{symbol} lot {number}: {problem}; lot skipped")
            else:
                lots.setdefault(symbol, []).append(lot)
    if bad_symbols:
        problems.append(f"positions: {bad_symbols} key(s) are not ticker symbols; their lots "
                        "skipped")
    return Positions(tuple((symbol, tuple(found)) for symbol, found in lots.items()))


def read_lot(table: object) -> tuple[Lot | None, str]:
    """One lot, or None and what is wrong with it."""
    if not isinstance(table, Mapping):
        return None, "not a table of quantity, cost and date"
    unknown = [key for key in table if key not in LOT_KEYS]
    if unknown:
        return None, f"unknown key {_named(unknown[0])} (a lot has {', '.join(LOT_KEYS)})"
    missing = [key for key in ("quantity", "cost", "date") if key not in table]
    if missing:
        return None, f"{missing[0]} is missing"
    quantity, cost = _number(table["quantity"]), _number(table["cost"])
    if quantity is None or quantity <= 0:
        return None, "quantity must be a positive number"
    if cost is None or cost < 0:
        return None, "cost must be the unit cost, a number of 0 or more"
    when = _date(table["date"])
    if when is None:
        return None, "date must be a date like 2024-03-01"
    currency = None
    if "currency" in table:
        currency = currency_code(table["currency"])
        if currency is None:
            return None, "currency must be a three-letter currency code like USD"
    return Lot(quantity, cost, when, currency), ""


def _number(value: object) -> float | None:
    """A finite number; a bool is not one (TOML `true` would count as 1)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value):
        return None
    return float(value)


def _date(value: object) -> date | None:
    """A TOML date (`2024-03-01`), a datetime's day, or the same written as a string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def read_keymap(value: object, problems: list[str]) -> tuple[tuple[str, str], ...]:
    """Binding id -> keys. An unquoted dotted id (`app.quit = "f10"`) is a nested table in
    TOML; it is read as the id it looks like."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        problems.append('keymap must be a table of binding id = "keys"; ignored')
        return ()
    keymap: list[tuple[str, str]] = []
    bad_ids = 0
    for binding, keys in _flatten(value):
        if not re.fullmatch(BINDING_ID, binding):
            bad_ids += 1
        elif not isinstance(keys, str) or not _keys_ok(keys):
            problems.append(f'keymap.{binding} must be keys like "ctrl+q,f10"; skipped')
        else:
            keymap.append((binding, ",".join(part.strip() for part in keys.split(","))))
    if bad_ids:
        problems.append(f"keymap: {bad_ids} binding id(s) are not ids like app.quit; skipped")
    return tuple(keymap)


def _flatten(table: Mapping[str, object], prefix: str = "") -> list[tuple[str, object]]:
    items: list[tuple[str, object]] = []
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            items += _flatten(value, f"{name}.")
        else:
            items.append((name, value))
    return items


def _keys_ok(keys: str) -> bool:
    parts = [part.strip() for part in keys.split(",")]
    return len(keys) <= 200 and all(re.fullmatch(KEY_NAME, part) for part in parts)


def _named(key: str) -> str:
    """A key for a message: itself when it is plain, else a description (it may hold
    control characters)."""
    return key if re.fullmatch(SAFE_KEY, key) else "(with odd characters)"
