"""Everything fetched from Yahoo, kept in SQLite between sessions so the app opens with data.

One table keyed by (kind, ticker) holding the object as JSON and when it was fetched. WAL and a
busy timeout let two instances (threads or processes) share the file. A cache is only ever a
copy, so trouble never stops the app: a file that will not open as our database is moved aside
as `<name>.corrupt-<timestamp>` and started afresh, and if even that fails the cache lives in
memory for the session and says why in `problem`.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TypeVar

from aiwatch.model import Fundamentals, Origin, PriceHistory, Provenance, Quote
from aiwatch.store.codec import DecodeError, decode, encode

Kind = Literal["history", "quote", "fundamentals"]
T = TypeVar("T", PriceHistory, Quote, Fundamentals)

SCHEMA_VERSION = 2  # bump when the table or a payload changes incompatibly: the cache rebuilds
# 2: EPS carries its own currency (entries from 1 would claim BABA's RMB EPS as USD)
BUSY_TIMEOUT_MS = 5000
SCHEMA = """
CREATE TABLE entries (
    kind TEXT NOT NULL,
    ticker TEXT NOT NULL,
    payload TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (kind, ticker)
) WITHOUT ROWID
"""
SIDECARS = ("", "-wal", "-shm", "-journal")

log = logging.getLogger(__name__)


class Cache:
    """Fetched histories, quotes and fundamentals per ticker, with their fetch times."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem = ""  # set when the cache could not use its file as it was
        self._lock = threading.Lock()  # one connection, shared by the app and its workers
        self._db = self._open()

    def put_history(self, history: PriceHistory) -> None:
        self._put("history", history.ticker, history, history.origin)

    def get_history(self, ticker: str) -> PriceHistory | None:
        return self._get("history", ticker, PriceHistory)

    def put_quote(self, quote: Quote) -> None:
        self._put("quote", quote.ticker, quote, quote.origin)

    def get_quote(self, ticker: str) -> Quote | None:
        return self._get("quote", ticker, Quote)

    def put_fundamentals(self, fundamentals: Fundamentals) -> None:
        self._put("fundamentals", fundamentals.ticker, fundamentals, fundamentals.origin)

    def get_fundamentals(self, ticker: str) -> Fundamentals | None:
        return self._get("fundamentals", ticker, Fundamentals)

    def fetched_at(self, kind: Kind, ticker: str) -> datetime | None:
        row = self._row(kind, ticker)
        try:
            return _time(row[1]) if row else None
        except DecodeError:
            return None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _put(self, kind: Kind, ticker: str, obj: object, origin: Origin) -> None:
        fetched = origin.as_of.astimezone(UTC).isoformat()
        try:
            payload = encode(obj)
            with self._lock, self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO entries (kind, ticker, payload, fetched_at)"
                    " VALUES (?, ?, ?, ?)", (kind, ticker.upper(), payload, fetched))
        except (sqlite3.Error, ValueError) as exc:  # locked too long, or NaN: fetch again later
            log.warning("cache: could not store %s %s: %s", kind, ticker, exc)

    def _get(self, kind: Kind, ticker: str, cls: type[T]) -> T | None:
        row = self._row(kind, ticker)
        if row is None:
            return None
        payload, fetched = row
        try:
            return decode(cls, payload, Origin(Provenance.CACHED, _time(fetched)))
        except DecodeError as exc:  # an entry we cannot read is an entry we lack
            log.warning("cache: ignoring unreadable %s %s: %s", kind, ticker, exc)
            return None

    def _row(self, kind: Kind, ticker: str) -> tuple[str, str] | None:
        try:
            with self._lock:
                return self._db.execute(
                    "SELECT payload, fetched_at FROM entries WHERE kind = ? AND ticker = ?",
                    (kind, ticker.upper())).fetchone()
        except sqlite3.Error as exc:
            log.warning("cache: could not read %s %s: %s", kind, ticker, exc)
            return None

    def _open(self) -> sqlite3.Connection:
        try:
            return _connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            log.warning("cache: %s unusable (%s)", self.path, exc)
        try:
            aside = _move_aside(self.path)
            db = _connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            self.problem = f"cache unavailable ({exc}); keeping data in memory this session"
            return _connect(Path(":memory:"))
        if aside:
            log.warning("cache: moved the unusable file aside to %s", aside)
            self.problem = f"cache was unreadable: moved aside to {aside.name}, started afresh"
        return db


def _time(text: str) -> datetime:
    """A stored fetch time: ISO 8601 with its UTC offset."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise DecodeError(f"fetched_at {text!r}") from exc
    if moment.tzinfo is None:
        raise DecodeError(f"fetched_at {text!r} has no time zone")
    return moment


def _connect(path: Path) -> sqlite3.Connection:
    """Open `path` as our database, building the schema; raises if it is not one."""
    in_memory = str(path) == ":memory:"
    if not in_memory:
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not in_memory:
            db.execute("PRAGMA journal_mode = WAL")
        _ensure_schema(db)
        if (check := db.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
            raise sqlite3.DatabaseError(f"quick_check: {check}")
    except BaseException:
        db.close()
        raise
    return db


def _ensure_schema(db: sqlite3.Connection) -> None:
    """Create the table, or rebuild it when it was written by another schema version."""
    if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        return
    with db:
        db.execute("BEGIN IMMEDIATE")  # another instance may be doing the same: one wins
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            db.execute("DROP TABLE IF EXISTS entries")
            db.execute(SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _move_aside(path: Path) -> Path | None:
    """Rename the file (and its WAL/SHM, which belong to it) out of the way; None if absent."""
    if not (path.exists() or path.is_symlink()):
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in SIDECARS:
        source = path.with_name(path.name + suffix)
        if source.exists() or source.is_symlink():
            source.rename(aside.with_name(aside.name + suffix))
    return aside
