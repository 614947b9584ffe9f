"""A cache locked by another process, or on a full disk, is kept and never blocks the first
paint; only a file that is not our database is moved aside. A full disk never blames Yahoo."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import peewee
import pytest
from conftest import FakeYahoo

from aiwatch.model import Origin, PriceHistory, Provenance, Quote
from aiwatch.refresh import Refresher
from aiwatch.sources.yahoo import YahooSource
from aiwatch.store import cache as cache_module
from aiwatch.store.cache import BUSY, FULL, Cache

FETCHED = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
LIVE = Origin(Provenance.LIVE, FETCHED)
QUOTE = Quote("MSFT", 478.5, None, "USD", FETCHED, LIVE)
HISTORY = PriceHistory("BABA", (FETCHED.date(),), (160.0,), LIVE, currency="USD")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "cache.sqlite3"


def filled(path: Path) -> None:
    cache = Cache(path)
    cache.put_quote(QUOTE)
    cache.close()


@pytest.fixture(params=["delete-journal", "exclusive-locking"])
def locked(request: pytest.FixtureRequest, path: Path) -> Iterator[sqlite3.Connection]:
    """Another process holds the valid cache: BEGIN EXCLUSIVE in DELETE journal mode, or
    locking_mode=EXCLUSIVE after a write."""
    filled(path)
    other = sqlite3.connect(path, isolation_level=None)
    if request.param == "delete-journal":
        other.execute("PRAGMA journal_mode = DELETE")
        other.execute("BEGIN EXCLUSIVE")
    else:
        other.execute("PRAGMA journal_mode = DELETE")
        other.execute("PRAGMA locking_mode = EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        other.execute("DELETE FROM entries WHERE ticker = 'NONE'")
        other.execute("COMMIT")  # the exclusive lock stays after the commit
    yield other
    other.close()


@pytest.mark.probe(14)
def test_a_locked_cache_opens_at_once_and_is_not_moved_aside(
        path: Path, locked: sqlite3.Connection) -> None:
    started = time.perf_counter()
    cache = Cache(path)
    took = time.perf_counter() - started

    assert took < 0.5
    assert cache.problem == BUSY == "cache busy (another aiwatch?): showing the snapshot, " \
                                    "will retry"
    assert cache.get_quote("MSFT") is None  # nothing readable: the app paints the snapshot
    assert not list(path.parent.glob("*.corrupt-*"))
    cache.close()


@pytest.mark.probe(14)
def test_a_locked_cache_is_used_again_once_the_lock_is_gone(
        path: Path, locked: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(path)
    cache.put_history(HISTORY)  # still locked: kept in memory, the file is tried again later
    assert cache.problem == BUSY
    locked.close()
    monkeypatch.setattr(cache_module, "RETRY_SECONDS", 0)
    cache._retry_at = 0.0  # the retry is due

    cache.put_history(HISTORY)

    assert cache.problem == ""
    assert cache.get_quote("MSFT") == Quote("MSFT", 478.5, None, "USD", FETCHED,
                                            Origin(Provenance.CACHED, FETCHED))
    cache.close()
    reopened = Cache(path)
    assert reopened.get_history("BABA") is not None
    reopened.close()


@pytest.mark.probe(13, 14)
def test_a_cache_locked_only_for_writing_is_read(path: Path) -> None:
    filled(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # WAL, as the app leaves it: readers go on
    cache = Cache(path)

    assert cache.get_quote("MSFT") is not None
    cache.close()
    other.close()


@pytest.mark.probe(12)
def test_a_file_that_is_not_a_database_is_still_moved_aside(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not sqlite at all" * 100)

    cache = Cache(path)

    assert cache.problem.startswith("cache was unreadable: moved aside to cache.sqlite3.corrupt-")
    assert len(list(path.parent.glob("cache.sqlite3.corrupt-*"))) == 1
    cache.close()


class FullDisk:
    """A connection whose writes fail as SQLite's do on a full disk."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql.startswith(("INSERT", "CREATE", "DROP")):
            raise sqlite3.OperationalError("database or disk is full")
        return self._db.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._db, name)

    def __enter__(self) -> sqlite3.Connection:
        return self._db.__enter__()

    def __exit__(self, *exc: object) -> object:
        return self._db.__exit__(*exc)


@pytest.mark.probe(4)
def test_a_full_disk_keeps_the_cache_and_says_so(path: Path) -> None:
    filled(path)
    cache = Cache(path)
    cache._db = FullDisk(cache._db)  # type: ignore[assignment]

    cache.put_history(HISTORY)

    assert cache.problem == FULL == "disk full: cache not updated"
    assert cache.get_quote("MSFT") is not None  # what it held is still there
    assert not list(path.parent.glob("*.corrupt-*"))
    cache._db = cache._db._db  # type: ignore[attr-defined]
    cache.put_history(HISTORY)  # space again
    assert cache.problem == ""
    cache.close()


@pytest.mark.probe(4)
def test_a_full_disk_at_open_is_not_corruption(path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    filled(path)
    real_connect = cache_module._connect

    def full(target: Path) -> sqlite3.Connection:
        if str(target) != ":memory:":
            raise sqlite3.OperationalError("database or disk is full")
        return real_connect(target)

    monkeypatch.setattr(cache_module, "_connect", full)
    cache = Cache(path)

    assert cache.problem == FULL
    assert cache.get_quote("MSFT") is not None  # read-only, straight from the file
    assert not list(path.parent.glob("*.corrupt-*"))
    cache.close()


@pytest.mark.probe(14)
async def test_the_app_paints_the_snapshot_with_a_locked_cache(
        make_test_app, tmp_home: Path) -> None:
    cache_file = tmp_home / "cache" / "aiwatch" / "cache.sqlite3"
    filled(cache_file)
    other = sqlite3.connect(cache_file, isolation_level=None)
    other.execute("PRAGMA journal_mode = DELETE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = time.perf_counter()
        app = make_test_app()
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            took = time.perf_counter() - started
            assert BUSY in app.status
            assert BUSY in [n.message for n in app._notifications]
            assert app.summaries["MSFT"].figures.quote.origin.kind is Provenance.SNAPSHOT
    finally:
        other.close()
    # The busy timeout was 5.5 s before the first paint; an app start alone has taken 3 s on
    # a loaded 2-core machine, so the bound sits between the two
    assert took < 5
    assert not list(cache_file.parent.glob("*.corrupt-*"))


@pytest.mark.probe(4)
def test_a_full_disk_under_yfinance_does_not_blame_yahoo(
        tmp_home: Path, fake_yahoo: FakeYahoo, fixed_now: datetime,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from yfinance import cache as yf_cache

    def full(*_: object, **__: object) -> None:
        raise peewee.OperationalError("database or disk is full")

    monkeypatch.setattr(yf_cache._TzCache, "store", full)
    monkeypatch.setattr(yf_cache._CookieCache, "store", full)
    cache = Cache(tmp_home / "cache" / "aiwatch" / "cache.sqlite3")
    source = YahooSource(tmp_home / "cache" / "aiwatch" / "yfinance", session=fake_yahoo,
                         clock=lambda: fixed_now)

    outcome = Refresher(cache, source, lambda: fixed_now).refresh(["MSFT"])

    assert "Yahoo" not in outcome.message
    assert "disk full: cache not updated" in outcome.message
    cache.close()
