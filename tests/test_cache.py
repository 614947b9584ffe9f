"""The SQLite cache: round trips, provenance, and never being fatal."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from aiwatch.model import (
    EarningsQuarter,
    Fundamentals,
    NextEarnings,
    Origin,
    PriceHistory,
    Provenance,
    Quote,
)
from aiwatch.store.cache import SCHEMA_VERSION, Cache

FETCHED = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
LIVE = Origin(Provenance.LIVE, FETCHED)
CACHED = Origin(Provenance.CACHED, FETCHED)

HISTORY = PriceHistory("BABA", (date(2026, 2, 10), date(2026, 2, 11)),
                       (166.50999450683594, 164.32000732421875), LIVE)
QUOTE = Quote("MSFT", 529.3, 525.18, "USD", datetime(2026, 10, 6, 20, 0, tzinfo=UTC), LIVE)
FUNDAMENTALS = Fundamentals(
    "BABA",
    (EarningsQuarter("BABA", date(2026, 3, 31), revenue=243.38e9, net_income=23.502e9,
                     currency="CNY", source_url="https://finance.yahoo.com/quote/BABA/"),
     EarningsQuarter("BABA", date(2025, 9, 30), date(2025, 11, 25), 0.81, 0.61,
                     revenue=247.8e9, currency="CNY")),
    LIVE,
    NextEarnings("BABA", date(2027, 2, 19), confirmed=False),
)


@pytest.fixture
def path(tmp_home: Path) -> Path:
    return tmp_home / "cache" / "aiwatch" / "cache.sqlite3"


def filled(path: Path) -> Cache:
    cache = Cache(path)
    cache.put_history(HISTORY)
    cache.put_quote(QUOTE)
    cache.put_fundamentals(FUNDAMENTALS)
    return cache


def test_objects_come_back_equal_but_cached(path: Path) -> None:
    filled(path).close()

    cache = Cache(path)
    assert cache.get_history("BABA") == PriceHistory(HISTORY.ticker, HISTORY.dates,
                                                     HISTORY.closes, CACHED)
    assert cache.get_quote("msft") == Quote("MSFT", 529.3, 525.18, "USD", QUOTE.as_of, CACHED)
    fundamentals = cache.get_fundamentals("BABA")
    assert fundamentals is not None
    assert fundamentals.quarters == FUNDAMENTALS.quarters
    assert fundamentals.next_earnings == FUNDAMENTALS.next_earnings
    assert fundamentals.origin == CACHED
    assert cache.fetched_at("quote", "MSFT") == FETCHED
    assert cache.problem == ""
    cache.close()


def test_what_was_never_stored_is_none(path: Path) -> None:
    cache = Cache(path)

    assert cache.get_history("AMZN") is None
    assert cache.get_quote("AMZN") is None
    assert cache.get_fundamentals("AMZN") is None
    assert cache.fetched_at("history", "AMZN") is None
    cache.close()


def test_the_file_is_wal_with_our_schema_version(path: Path) -> None:
    Cache(path).close()

    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


def test_another_schema_version_is_rebuilt(path: Path) -> None:
    filled(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()

    cache = Cache(path)

    assert cache.get_history("BABA") is None
    cache.put_quote(QUOTE)
    assert cache.get_quote("MSFT") is not None
    cache.close()


def test_an_unreadable_entry_is_a_miss(path: Path) -> None:
    filled(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE entries SET payload = '{\"ticker\": \"BABA\"}' WHERE kind = 'history'")
    db.commit()
    db.close()

    cache = Cache(path)

    assert cache.get_history("BABA") is None
    assert cache.get_quote("MSFT") is not None
    cache.close()


def garbage(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(range(256)) * 4)


def truncated(path: Path) -> None:
    cache = filled(path)
    for n in range(300):  # enough pages that cutting the file loses some
        cache.put_quote(Quote(f"T{n}", 1.0, None, "USD", FETCHED, LIVE))
    cache.close()
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 2)


def directory(path: Path) -> None:
    (path / "inside").mkdir(parents=True)


@pytest.mark.parametrize("damage", [garbage, truncated, directory])
@pytest.mark.probe(12)
def test_a_damaged_file_is_moved_aside_and_rebuilt(path: Path, damage: object) -> None:
    damage(path)  # type: ignore[operator]

    cache = Cache(path)

    assert cache.problem.startswith("cache was unreadable: moved aside to cache.sqlite3.corrupt-")
    assert cache.get_history("BABA") is None
    cache.put_history(HISTORY)
    assert cache.get_history("BABA") is not None
    assert len(list(path.parent.glob("cache.sqlite3.corrupt-*"))) == 1
    cache.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_we_may_not_read_is_moved_aside(path: Path) -> None:
    filled(path).close()
    path.chmod(0)

    cache = Cache(path)

    assert cache.problem.startswith("cache was unreadable")
    assert list(path.parent.glob("cache.sqlite3.corrupt-*"))
    cache.close()


def test_without_a_usable_place_the_cache_lives_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache dir should be")

    cache = Cache(blocker / "cache.sqlite3")

    assert "cache unavailable" in cache.problem
    cache.put_quote(QUOTE)
    assert cache.get_quote("MSFT") is not None
    cache.close()


@pytest.mark.probe(15)
def test_two_instances_in_two_threads_share_the_file(path: Path) -> None:
    caches = [Cache(path), Cache(path)]

    def write(cache: Cache, prefix: str) -> None:
        for n in range(150):
            cache.put_quote(Quote(f"{prefix}{n}", float(n), None, "USD", FETCHED, LIVE))
            cache.get_quote(f"{prefix}{n // 2}")

    threads = [threading.Thread(target=write, args=(cache, prefix))
               for cache, prefix in zip(caches, "AB", strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for prefix in "AB":
        assert all(caches[0].get_quote(f"{prefix}{n}") for n in range(150))
    for cache in caches:
        cache.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


WRITER = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from aiwatch.model import Origin, Provenance, Quote
from aiwatch.store.cache import Cache
cache = Cache(Path(sys.argv[1]))
print("ready", flush=True)
origin = Origin(Provenance.LIVE, datetime(2026, 11, 25, tzinfo=UTC))
for n in range(150):
    cache.put_quote(Quote(f"P{n}", float(n), None, "USD", origin.as_of, origin))
print(cache.problem or "ok")
"""


@pytest.mark.probe(15)
def test_two_processes_share_the_file(path: Path) -> None:
    Cache(path).close()
    other = subprocess.Popen([sys.executable, "-c", WRITER, str(path)],
                             stdout=subprocess.PIPE, text=True)
    cache = Cache(path)
    assert other.stdout is not None
    assert other.stdout.readline().strip() == "ready"  # both write from here on
    for n in range(150):
        cache.put_quote(Quote(f"Q{n}", float(n), None, "USD", FETCHED, LIVE))
    out, _ = other.communicate(timeout=30)

    assert out.strip() == "ok"
    assert all(cache.get_quote(f"{p}{n}") for p in "PQ" for n in range(150))
    assert cache.fetched_at("quote", "P1") == FETCHED - timedelta(hours=15)
    cache.close()
