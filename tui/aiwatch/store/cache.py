"""Everything fetched from Yahoo, kept in SQLite between sessions so the app opens with data.

One table keyed by (kind, ticker) holding the object as JSON and when it was fetched. WAL and a
busy timeout let two instances (threads or processes) share the file. A cache is only ever a
copy, so trouble never stops the app, and `problem` says what is wrong now:
- a file that is not our database (or fails its quick check) is moved aside as
  `<name>.corrupt-<timestamp>` and started afresh; if even that fails the cache lives in memory;
- a file locked by another process, or a full disk, is never moved aside: the cache opens it
  read-only if it can (else in memory) and tries the file again at later writes. The open waits
  at most OPEN_BUSY_MS, since it runs before the first paint.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TypeVar

from aiwatch.model import Fundamentals, Origin, PriceHistory, Provenance, Quote
from aiwatch.store.codec import DecodeError, decode, encode

Kind = Literal["history", "quote", "fundamentals"]
T = TypeVar("T", PriceHistory, Quote, Fundamentals)

SCHEMA_VERSION = 3  # bump when the table or a payload changes incompatibly: the cache rebuilds
# 2: EPS carries its own currency (entries from 1 would claim BABA's RMB EPS as USD)
# 3: the meta table (state shared by fetch processes, such as the back-off)
OPEN_BUSY_MS = 150  # on the UI thread, before the first paint
WRITE_BUSY_MS = 5000  # writes run in the refresh thread: another instance's write may finish
RETRY_SECONDS = 30  # between tries to get a locked or full file back
MAX_PARAMS = 500  # tickers per query: SQLite before 3.32 takes at most 999 parameters
BUSY = "cache busy (another aiwatch?): showing the snapshot, will retry"
BUSY_WRITING = "cache busy (another aiwatch?): not updated, will retry"
FULL = "disk full: cache not updated"
SCHEMA = """
CREATE TABLE entries (
    kind TEXT NOT NULL,
    ticker TEXT NOT NULL,
    payload TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (kind, ticker)
) WITHOUT ROWID
"""
META_SCHEMA = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"
SIDECARS = ("", "-wal", "-shm", "-journal")

log = logging.getLogger(__name__)
_KINDS: dict[type, Kind] = {PriceHistory: "history", Quote: "quote", Fundamentals: "fundamentals"}
_CLASSES: dict[str, type[PriceHistory | Quote | Fundamentals]] = {
    kind: cls for cls, kind in _KINDS.items()}


class Cache:
    """Fetched histories, quotes and fundamentals per ticker, with their fetch times."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._opened = ""  # what opening found, for the session: moved aside, in memory
        self._trouble = ""  # BUSY or FULL while the file cannot be written
        self._retry_at: float | None = None  # when to try the file again; None: we have it
        self._lock = threading.Lock()  # one connection, shared by the app and its workers
        self._db = self._open()

    @property
    def problem(self) -> str:
        """What is wrong with the cache now; "" when nothing is."""
        return self._trouble or self._opened

    def put_history(self, history: PriceHistory) -> None:
        self._put("history", history.ticker, history, history.origin)

    def put_many(self, parts: Iterable[PriceHistory | Quote | Fundamentals]) -> None:
        """Store several fetched parts in one transaction (a fetch lands them in batches)."""
        self._write([(_KINDS[type(part)], part.ticker, part, part.origin) for part in parts])

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

    def get_all(self, tickers: Iterable[str]) -> dict[tuple[Kind, str], PriceHistory | Quote
                                                      | Fundamentals]:
        """Every part held for `tickers`, keyed by (kind, TICKER), read in one query: start-up
        asked three queries per ticker (300 at 100 tickers). Unreadable entries are left out,
        as get_history and the others leave them."""
        wanted = list(dict.fromkeys(ticker.upper() for ticker in tickers))
        rows = []
        try:
            with self._lock:
                for start in range(0, len(wanted), MAX_PARAMS):
                    chunk = wanted[start:start + MAX_PARAMS]
                    rows += self._db.execute(
                        "SELECT kind, ticker, payload, fetched_at FROM entries WHERE ticker IN "
                        f"({', '.join('?' * len(chunk))})", chunk).fetchall()
        except sqlite3.Error as exc:
            log.warning("cache: could not read the entries: %s", exc)
            return {}
        parts: dict[tuple[Kind, str], PriceHistory | Quote | Fundamentals] = {}
        for kind, ticker, payload, fetched in rows:
            cls = _CLASSES.get(kind)
            if cls is not None:
                part = self._decoded(kind, ticker, cls, payload, fetched)
                if part is not None:
                    parts[kind, ticker] = part
        return parts

    def fetched_at(self, kind: Kind, ticker: str) -> datetime | None:
        row = self._row(kind, ticker)
        try:
            return _time(row[1]) if row else None
        except DecodeError:
            return None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def get_meta(self, key: str) -> str | None:
        """A value fetch processes share (the back-off), None when unset or unreadable."""
        try:
            with self._lock:
                row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            log.warning("cache: could not read meta %s: %s", key, exc)
            return None
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (None: delete) a shared value; failures are logged, as for entries."""
        def write(db: sqlite3.Connection) -> None:
            if value is None:
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

        self._transaction(write, f"meta {key}")

    def _put(self, kind: Kind, ticker: str, obj: object, origin: Origin) -> None:
        self._write([(kind, ticker, obj, origin)])

    def _write(self, parts: list[tuple[Kind, str, object, Origin]]) -> None:
        if not parts:
            return
        what = ", ".join(f"{kind} {ticker}" for kind, ticker, _, _ in parts)
        try:
            rows = [(kind, ticker.upper(), encode(obj), origin.as_of.astimezone(UTC).isoformat())
                    for kind, ticker, obj, origin in parts]
        except ValueError as exc:  # NaN: fetch again
            log.warning("cache: could not store %s: %s", what, exc)
            return

        def write(db: sqlite3.Connection) -> None:
            for row in rows:
                db.execute("INSERT OR REPLACE INTO entries (kind, ticker, payload, fetched_at)"
                           " VALUES (?, ?, ?, ?)", row)

        self._transaction(write, what)

    def _transaction(self, write: Callable[[sqlite3.Connection], object], what: str) -> None:
        """Run `write` in one transaction; a lock or a full disk is kept as the problem."""
        try:
            with self._lock:
                self._reopen_if_due()
                self._db.execute(f"PRAGMA busy_timeout = {WRITE_BUSY_MS}")
                with self._db:
                    write(self._db)
                self._trouble = "" if self._retry_at is None else self._trouble
        except (sqlite3.Error, OSError, ValueError) as exc:  # locked, full: fetch again
            log.warning("cache: could not store %s: %s", what, exc)
            trouble = _trouble(exc)
            if trouble != "broken":
                self._trouble = BUSY_WRITING if trouble == "busy" else FULL

    def _reopen_if_due(self) -> None:
        """Try the file again after a lock or a full disk kept us from it (lock held)."""
        if self._retry_at is None or time.monotonic() < self._retry_at:
            return
        self._retry_at = time.monotonic() + RETRY_SECONDS
        try:
            db = _connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            log.warning("cache: %s still unusable (%s)", self.path, exc)
            return
        self._db.close()
        self._db, self._retry_at, self._trouble = db, None, ""

    def _get(self, kind: Kind, ticker: str, cls: type[T]) -> T | None:
        row = self._row(kind, ticker)
        if row is None:
            return None
        return self._decoded(kind, ticker, cls, *row)

    @staticmethod
    def _decoded(kind: str, ticker: str, cls: type[T], payload: str, fetched: str) -> T | None:
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
            trouble = _trouble(exc)
        if trouble != "broken":  # the file is fine: read what we may, write later
            self._retry_at = time.monotonic()
            readable = _read_only(self.path)
            self._trouble = FULL if trouble == "full" else BUSY_WRITING if readable else BUSY
            return readable or _connect(Path(":memory:"))
        try:
            aside = _move_aside(self.path)
            db = _connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            self._opened = f"cache unavailable ({exc}); keeping data in memory this session"
            return _connect(Path(":memory:"))
        if aside:
            log.warning("cache: moved the unusable file aside to %s", aside)
            self._opened = f"cache was unreadable: moved aside to {aside.name}, started afresh"
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


def _trouble(exc: BaseException) -> str:
    """"busy" (another process holds a lock), "full" (no space left) or "broken" (anything
    else: not our database, damaged, unopenable), from an error of sqlite3 or the OS."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in str(exc):
        return "busy"
    if (code == sqlite3.SQLITE_FULL or getattr(exc, "errno", None) == errno.ENOSPC
            or "database or disk is full" in str(exc)):
        return "full"
    return "broken"


def _read_only(path: Path) -> sqlite3.Connection | None:
    """The file opened for reading only, if a read goes through now; None if it does not."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                             timeout=OPEN_BUSY_MS / 1000, check_same_thread=False)
    except (sqlite3.Error, OSError):
        return None
    try:
        db.execute("SELECT count(*) FROM entries").fetchone()
    except sqlite3.Error:
        db.close()
        return None
    return db


def _connect(path: Path) -> sqlite3.Connection:
    """Open `path` as our database, building the schema; raises if it is not one."""
    in_memory = str(path) == ":memory:"
    if not in_memory:
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=OPEN_BUSY_MS / 1000, check_same_thread=False)
    try:
        db.execute(f"PRAGMA busy_timeout = {OPEN_BUSY_MS}")
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
            db.execute("DROP TABLE IF EXISTS meta")
            db.execute(SCHEMA)
            db.execute(META_SCHEMA)
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
