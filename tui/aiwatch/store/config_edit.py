"""Changes to config.toml that keep the user's comments, order and formatting.

tomlkit keeps a parsed file's comments, blank lines and layout, so only the value changed
differs. Each change is a function of the file's current content: read, parse, change, write
atomically (store/atomic.py: temp file beside the target, rename, mode kept, a symlink followed
to its target). If the file changed on disk while that happened, the change is made again on
the new content, so what the user saved in their editor is never overwritten. A file that
cannot be parsed is never written: the change fails with a ConfigEditError saying why, and the
user's file stays as it is. A missing file starts from FIRST_RUN_CONFIG.

Limits: a ticker moved in a multi-line array loses its own end-of-line comment (the other
lines keep theirs); the check before the rename leaves a window of microseconds in which an
editor's save could still be replaced.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Array, Table
from tomlkit.toml_document import TOMLDocument

from aiwatch.store.atomic import real_path, write_atomic
from aiwatch.store.config import (
    DEFAULT_LIST,
    FIRST_RUN_CONFIG,
    LIST_NAME,
    SORTS,
    THEME_NAME,
    VIEWS,
    Config,
    Lot,
    config_from,
    currency_code,
    read_lists,
    read_lot,
    valid_ticker,
)

MAX_ATTEMPTS = 5  # the file changed under us this many times in a row: give up, say so

class ConfigEditError(Exception):
    """The config could not be changed; the message says why. The file was not written."""


def edit_config(path: Path, change: Callable[[TOMLDocument], str | None]) -> Config:
    """Apply `change` to the file's current content and write it; the config it now holds.
    `change` edits the document in place and may return new tables to add at the end of the
    file (below the user's last line, so no comment of theirs ends up above them). Raises
    ConfigEditError when the file cannot be read, parsed or written, or `change` refuses
    (then nothing was written)."""
    for _ in range(MAX_ATTEMPTS):
        before = _read(path)
        text = FIRST_RUN_CONFIG if before is None else _decode(before, path)
        doc = _parse(text, path)
        tables = change(doc) or ""
        after = _append(doc.as_string(), tables)
        try:
            raw = tomllib.loads(after)
        except tomllib.TOMLDecodeError as exc:  # never write what we could not read back
            raise ConfigEditError(f"{path.name} not changed: the result would not parse "
                                  f"({exc})") from exc
        if _read(path) != before:  # the user saved meanwhile: redo on their version
            continue
        if before is None or after != text:
            try:
                write_atomic(path, after.encode("utf-8"))
            except OSError as exc:
                raise ConfigEditError(
                    f"cannot write {real_path(path)}: {exc.strerror or exc}") from exc
        return config_from(raw, path.name)
    raise ConfigEditError(f"{path.name} not changed: it kept changing on disk")


def add_ticker(path: Path, symbol: str, at: int | None = None) -> Config:
    """Put `symbol` in the active list at position `at` (None: at the end); a symbol already
    there stays where it is."""
    ticker = _ticker(symbol)

    def change(doc: TOMLDocument) -> str | None:
        name, array, shown = _active_array(doc)
        if ticker in shown:
            return None
        spot = len(shown) if at is None else max(0, min(at, len(shown)))
        if array is None:
            return _list_table(name, [*shown[:spot], ticker, *shown[spot:]])
        _insert(array, _raw_index(array, shown, spot), ticker)
        return None

    return edit_config(path, change)


def remove_ticker(path: Path, symbol: str) -> Config:
    """Take `symbol` out of the active list (every spelling of it); a list keeps its last
    symbol (an empty one would show the defaults)."""
    ticker = _ticker(symbol)

    def change(doc: TOMLDocument) -> str | None:
        name, array, shown = _active_array(doc)
        if ticker not in shown:
            return None
        if len(shown) == 1:
            raise ConfigEditError(f"{ticker} is the list's only symbol; it stays")
        if array is None:
            return _list_table(name, [t for t in shown if t != ticker])
        _remove(array, ticker)
        return None

    return edit_config(path, change)


def move_ticker(path: Path, symbol: str, to: int) -> Config:
    """Move `symbol` to position `to` (clamped) in the active list."""
    ticker = _ticker(symbol)

    def change(doc: TOMLDocument) -> str | None:
        name, array, shown = _active_array(doc)
        if ticker not in shown:
            raise ConfigEditError(f"{ticker} is not in the list")
        rest = [t for t in shown if t != ticker]
        spot = max(0, min(to, len(rest)))
        if shown.index(ticker) == spot:
            return None
        if array is None:
            return _list_table(name, [*rest[:spot], ticker, *rest[spot:]])
        _remove(array, ticker)
        _insert(array, _raw_index(array, rest, spot), ticker)
        return None

    return edit_config(path, change)


def switch_list(path: Path, name: str) -> Config:
    """Show the list `name` (one the file has, or the default list)."""

    def change(doc: TOMLDocument) -> None:
        if name not in read_lists(doc.unwrap(), path.name, []).names:
            raise ConfigEditError(f"there is no list named {_shown(name)}")
        if doc.get("list", DEFAULT_LIST) != name:
            _set_top(doc, "list", name)

    return edit_config(path, change)


def create_list(path: Path, name: str, tickers: tuple[str, ...], switch: bool = True) -> Config:
    """Add `[lists.<name>]` holding `tickers` (at least one), and show it unless `switch`
    is False."""
    if not LIST_NAME.fullmatch(name):
        raise ConfigEditError("a list name may hold only letters, digits, - and _ (up to 32)")
    symbols = list(dict.fromkeys(map(_ticker, tickers)))
    if not symbols:
        raise ConfigEditError(f"list {name} needs at least one symbol")

    def change(doc: TOMLDocument) -> str:
        lists = doc.get("lists", {})
        if not isinstance(lists, Mapping):
            raise ConfigEditError("lists is not a table of [lists.<name>]; fix it by hand")
        if name in lists or name == DEFAULT_LIST:
            raise ConfigEditError(f"there is a list named {name} already")
        if switch:
            _set_top(doc, "list", name)
        return _list_table(name, symbols)

    return edit_config(path, change)


def set_sort(path: Path, sort: str) -> Config:
    return _set_choice(path, "sort", sort, SORTS)


def set_view(path: Path, view: str) -> Config:
    return _set_choice(path, "view", view, VIEWS)


def set_theme(path: Path, theme: str | None) -> Config:
    """Keep `theme`; None takes the key out (Textual's default theme)."""
    if theme is not None and not re.fullmatch(THEME_NAME, theme):
        raise ConfigEditError("a theme name may hold only letters, digits, ., - and _")

    def change(doc: TOMLDocument) -> None:
        if theme is None:
            doc.pop("theme", None)
        elif doc.get("theme") != theme:
            _set_top(doc, "theme", theme)

    return edit_config(path, change)


def add_lot(path: Path, symbol: str, lot: Lot) -> Config:
    """Add a `[[positions.<SYMBOL>]]` lot after the symbol's others."""
    ticker = _ticker(symbol)
    _check_lot(lot)

    def change(doc: TOMLDocument) -> str | None:
        positions = doc.get("positions", {})
        if not isinstance(positions, Mapping):
            raise ConfigEditError("positions is not a table of [[positions.<SYMBOL>]]; fix it "
                                  "by hand")
        key = _position_key(positions, ticker)
        if key is None:
            return tomlkit.dumps({"positions": {ticker: [_lot_values(lot)]}})
        lots = positions[key]
        if isinstance(lots, Table):  # one [positions.X] table: now an array of them
            lots = tomlkit.aot()
            lots.append(positions[key])
            positions[key] = lots
        if not isinstance(lots, AoT):
            raise ConfigEditError(f"positions.{ticker} is not [[positions.{ticker}]] tables; "
                                  "fix it by hand")
        lots.append(_lot_table(lot))
        return None

    return edit_config(path, change)


def remove_lot(path: Path, symbol: str, lot: Lot) -> Config:
    """Remove the symbol's first lot equal to `lot` (as read); the symbol's key goes with
    its last lot."""
    ticker = _ticker(symbol)

    def change(doc: TOMLDocument) -> None:
        positions = doc.get("positions")
        key = _position_key(positions, ticker) if isinstance(positions, Table) else None
        lots = positions[key] if key is not None else None
        tables = [lots] if isinstance(lots, Table) else list(lots) if isinstance(lots, AoT) else []
        index = next((i for i, table in enumerate(tables)
                      if read_lot(table.unwrap())[0] == lot), None)
        if index is None:
            raise ConfigEditError(f"positions.{ticker} has no such lot")
        if len(tables) == 1:
            del positions[key]
        else:
            del lots[index]

    return edit_config(path, change)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigEditError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigEditError(f"{path.name} is not UTF-8 (at byte {exc.start}); fix it by hand, "
                              "it was not changed") from exc


def _parse(text: str, path: Path) -> TOMLDocument:
    """The file for editing; tomllib (what reading uses) decides whether it is valid."""
    try:
        tomllib.loads(text)
        return tomlkit.parse(text)
    except (tomllib.TOMLDecodeError, TOMLKitError) as exc:
        raise ConfigEditError(f"{path.name} cannot be parsed ({exc}); fix it by hand, it was "
                              "not changed") from exc


def _ticker(symbol: str) -> str:
    ticker = valid_ticker(symbol)
    if ticker is None:
        raise ConfigEditError(f"{_shown(symbol)} is not a ticker symbol")
    return ticker


def _shown(text: str) -> str:
    """Text the user typed, for a message: quoted, control characters escaped."""
    return ascii(text) if not text.isprintable() else f'"{text}"'


def _active_array(doc: TOMLDocument) -> tuple[str, Array | None, list[str]]:
    """The active list's name, its array in the document (None: a default list the file does
    not have yet) and the symbols it shows, as reading the file would."""
    lists = read_lists(doc.unwrap(), "config.toml", [])
    name, shown = lists.active, list(lists.get(lists.active) or ())
    tables = doc.get("lists")
    table = tables.get(name) if isinstance(tables, Mapping) else None
    if isinstance(table, Mapping) and "tickers" in table:
        array, where = table["tickers"], f"lists.{name}.tickers"
    elif name == DEFAULT_LIST and "tickers" in doc:
        array, where = doc["tickers"], "tickers"
    else:
        return name, None, shown
    if not isinstance(array, Array):
        raise ConfigEditError(f"{where} is not a list of symbols; fix it by hand")
    return name, array, shown


def _list_table(name: str, tickers: list[str]) -> str:
    """`[lists.<name>]` holding `tickers`, as text to add at the end of the file."""
    return tomlkit.dumps({"lists": {name: {"tickers": tickers}}})


def _append(text: str, tables: str) -> str:
    """`tables` below the file's last line, after one blank line."""
    if not tables:
        return text
    gap = "" if text.endswith("\n\n") or not text else "\n" if text.endswith("\n") else "\n\n"
    return f"{text}{gap}{tables}"


def _raw_index(array: Array, shown: list[str], spot: int) -> int:
    """Where in the array (which may hold skipped entries and repeats) position `spot` of
    the shown list is."""
    if spot >= len(shown):
        return len(array)
    target = shown[spot]
    return next(i for i, value in enumerate(array) if valid_ticker(value) == target)


def _insert(array: Array, index: int, ticker: str) -> None:
    """A multi-line array gets a line of its own (the others keep theirs and their comments);
    a one-line array, which holds no comments, is written anew."""
    if "\n" in array.as_string():
        array.insert(index, ticker)
        return
    values = [*array.unwrap()]
    values.insert(index, ticker)
    del array[:]
    array.extend(values)


def _remove(array: Array, ticker: str) -> None:
    for i in reversed(range(len(array))):
        if valid_ticker(array[i]) == ticker:
            del array[i]
    if "\n" not in array.as_string():  # tomlkit can leave `[ "A"]` behind: tidy one line
        values = array.unwrap()
        del array[:]
        array.extend(values)


def _position_key(positions: Mapping[str, object], ticker: str) -> str | None:
    """The key the file uses for `ticker` (it may be written in lower case)."""
    return next((key for key in positions if valid_ticker(key) == ticker), None)


def _check_lot(lot: Lot) -> None:
    if not (math.isfinite(lot.quantity) and lot.quantity > 0):
        raise ConfigEditError("a lot's quantity must be a positive number")
    if not (math.isfinite(lot.cost) and lot.cost >= 0):
        raise ConfigEditError("a lot's cost must be a number of 0 or more")
    if lot.currency is not None and currency_code(lot.currency) != lot.currency:
        raise ConfigEditError("a lot's currency must be a three-letter code like USD")


def _lot_values(lot: Lot) -> dict[str, object]:
    quantity = float(lot.quantity)
    values: dict[str, object] = {
        "quantity": int(quantity) if quantity.is_integer() else quantity,
        "cost": lot.cost, "date": lot.date}
    if lot.currency is not None:
        values["currency"] = lot.currency
    return values


def _lot_table(lot: Lot) -> Table:
    """A lot for after the symbol's others, a blank line above its header."""
    table = tomlkit.table()
    table.update(_lot_values(lot))
    table.trivia.indent = "\n"
    return table


def _set_choice(path: Path, key: str, value: str, choices: tuple[str, ...]) -> Config:
    if value not in choices:
        raise ConfigEditError(f"{key} must be one of {', '.join(choices)}")

    def change(doc: TOMLDocument) -> None:
        if doc.get(key) != value:
            _set_top(doc, key, value)

    return edit_config(path, change)



def _set_top(doc: TOMLDocument, key: str, value: str) -> None:
    """Set a top-level key: in place when it is there (its comment stays), else on the line
    after the last top-level value, not below the comments that open the first table."""
    if key in doc:
        doc[key] = value
        return
    last = None
    for name, item in doc.body:
        if isinstance(item, Table | AoT):
            break
        if name is not None:
            last = name
    if last is None:
        doc[key] = value
    else:
        doc._insert_after(last, key, value)  # tomlkit's own; no public "insert after"
