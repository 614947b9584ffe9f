"""The Refresher: what it fetches when, what it keeps, and how it fails.

Real Cache, real YahooSource and yfinance; Yahoo is FakeYahoo (conftest) at the session level.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import SOURCED_DATA, FakeYahoo, fixture_quote, reset_yfinance
from curl_cffi.requests import exceptions as curl

from aiwatch.model import Provenance
from aiwatch.refresh import CachedData, Refresher
from aiwatch.sources.yahoo import YahooSource
from aiwatch.store.cache import Cache

TICKERS = ["BABA", "AMZN", "MSFT", "GOOGL"]
DATA_REQUESTS = ("/v8/finance/chart/", "/quoteSummary/", "/timeseries/", "/calendar/earnings")


class Clock:
    """The one clock of a test: the source's fetch times and the refresher's ages."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def last_close(ticker: str) -> float:
    path = SOURCED_DATA / "prices" / f"{ticker}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return float(list(csv.DictReader(handle))[-1]["close"])


def data_requests(fake: FakeYahoo) -> int:
    return sum(fake.count(fragment) for fragment in DATA_REQUESTS)


@pytest.fixture
def clock(fixed_now: datetime) -> Clock:
    return Clock(fixed_now)


@pytest.fixture
def cache_path(tmp_home: Path) -> Path:
    return tmp_home / "cache" / "aiwatch" / "cache.sqlite3"


@pytest.fixture
def cache(cache_path: Path) -> Iterator[Cache]:
    cache = Cache(cache_path)
    yield cache
    cache.close()


def refresher(cache: Cache, session: FakeYahoo, clock: Clock, tmp_home: Path) -> Refresher:
    source = YahooSource(tmp_home / "cache" / "aiwatch" / "yfinance", session=session,
                         clock=clock)
    return Refresher(cache, source, clock)


def new_session() -> FakeYahoo:
    """Yahoo as seen by a new process: yfinance starts afresh, its disk caches stay."""
    reset_yfinance()
    return FakeYahoo()


@pytest.fixture
def filled(cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> Refresher:
    """A first session that fetched and cached everything."""
    first = refresher(cache, fake_yahoo, clock, tmp_home)
    assert first.refresh(TICKERS).message == ""
    return first


def test_the_first_run_fetches_everything_and_caches_it(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(TICKERS)

    assert (outcome.message, dict(outcome.errors)) == ("", {})
    assert list(outcome.histories) == list(outcome.quotes) == list(outcome.fundamentals) == TICKERS
    for ticker in TICKERS:
        assert outcome.quotes[ticker].price == fixture_quote(ticker)[0] != last_close(ticker)
        assert outcome.histories[ticker].origin.kind is Provenance.LIVE
        cached = cache.get_history(ticker)
        assert cached is not None
        assert cached.closes[-1] == last_close(ticker)
        assert (cached.origin.kind, cached.origin.as_of) == (Provenance.CACHED, clock.now)
        assert cache.fetched_at("fundamentals", ticker) == clock.now
    # A cold start: the tz lookup costs one more chart request per ticker, then 4 for earnings.
    assert fake_yahoo.count("/v8/finance/chart/", range="1y") == 4
    assert fake_yahoo.count("/v8/finance/chart/", range="1d") == 4
    assert data_requests(fake_yahoo) == 8 + 4 * 4


def test_a_fresh_cache_makes_no_request(filled: Refresher, fake_yahoo: FakeYahoo,
                                        clock: Clock) -> None:
    before = len(fake_yahoo.seen)
    clock.advance(minutes=4)

    outcome = filled.refresh(TICKERS)

    assert len(fake_yahoo.seen) == before
    assert not (outcome.histories or outcome.quotes or outcome.fundamentals or outcome.message)


def test_stale_quotes_cost_one_chart_request_per_ticker(
        filled: Refresher, cache_path: Path, clock: Clock, tmp_home: Path) -> None:
    clock.advance(minutes=6)  # quotes are stale, history and earnings are not
    session = new_session()
    cache = Cache(cache_path)

    outcome = refresher(cache, session, clock, tmp_home).refresh(TICKERS)

    assert list(outcome.quotes) == TICKERS and not outcome.fundamentals
    assert session.count("/v8/finance/chart/") == len(TICKERS)  # tz came from the disk cache
    assert data_requests(session) == len(TICKERS)
    assert session.count("fc.yahoo.com") == 0  # the cookie too; only the crumb is asked again
    assert cache.fetched_at("quote", "MSFT") == clock.now
    assert cache.fetched_at("fundamentals", "MSFT") == clock.now - timedelta(minutes=6)
    cache.close()


@pytest.mark.probe(51)
def test_the_next_session_offline_shows_what_was_cached(
        filled: Refresher, cache_path: Path, clock: Clock, fixed_now: datetime,
        tmp_home: Path) -> None:
    clock.advance(hours=7)
    session = new_session()
    session.error = lambda: curl.DNSError("Could not resolve host: fc.yahoo.com", 6)
    cache = Cache(cache_path)
    later = refresher(cache, session, clock, tmp_home)

    shown = later.cached(TICKERS)["AMZN"]
    outcome = later.refresh(TICKERS)

    assert shown.quote is not None and shown.history is not None
    assert (shown.quote.origin.kind, shown.quote.origin.as_of) == (Provenance.CACHED, fixed_now)
    assert shown.quote.price == fixture_quote("AMZN")[0]
    assert outcome.message == "no network"
    assert dict(outcome.errors) == dict.fromkeys(TICKERS, "no network")
    assert later.cached(TICKERS)["AMZN"] == shown  # the last good data stays
    assert data_requests(session) == 1  # the first failure stops the refresh
    cache.close()


def test_a_timeout_keeps_the_last_good_data(filled: Refresher, fake_yahoo: FakeYahoo,
                                            cache: Cache, clock: Clock) -> None:
    before = filled.cached(TICKERS)
    clock.advance(hours=25)
    fake_yahoo.error = lambda: curl.Timeout("Operation timed out after 5001 ms", 28)

    outcome = filled.refresh(TICKERS)

    assert outcome.message == "timed out after 5 s"
    assert filled.cached(TICKERS) == before


@pytest.mark.probe(53)
def test_a_rate_limit_backs_off_without_asking(filled: Refresher, fake_yahoo: FakeYahoo,
                                               clock: Clock) -> None:
    fake_yahoo.status = 429
    limited_at = clock.now + timedelta(minutes=10)
    clock.now = limited_at

    first = filled.refresh(TICKERS)
    asked = len(fake_yahoo.seen)
    clock.advance(seconds=30)
    during = filled.refresh(TICKERS)

    assert first.message == "Yahoo rate limit (429) — backing off 60 s"
    assert first.backoff_until == limited_at + timedelta(seconds=60)
    assert during.message == "Yahoo rate limit (429) — backing off 30 s"
    assert len(fake_yahoo.seen) == asked  # not a single request during the back-off

    clock.advance(seconds=31)
    again = filled.refresh(TICKERS)
    assert len(fake_yahoo.seen) > asked
    assert again.message == "Yahoo rate limit (429) — backing off 120 s"


def test_the_back_off_doubles_up_to_fifteen_minutes(filled: Refresher, fake_yahoo: FakeYahoo,
                                                    clock: Clock) -> None:
    fake_yahoo.status = 429
    clock.advance(minutes=10)
    waits = []
    for _ in range(6):
        outcome = filled.refresh(TICKERS)
        assert outcome.backoff_until is not None
        waits.append((outcome.backoff_until - clock.now).total_seconds())
        clock.now = outcome.backoff_until

    assert waits == [60, 120, 240, 480, 900, 900]
    fake_yahoo.status = None
    assert filled.refresh(TICKERS).backoff_until is None
    assert filled.backoff_until is None


def test_force_fetches_even_when_fresh(filled: Refresher, fake_yahoo: FakeYahoo) -> None:
    before = data_requests(fake_yahoo)

    outcome = filled.refresh(["MSFT"], force=True)

    assert list(outcome.histories) == list(outcome.fundamentals) == ["MSFT"]
    assert data_requests(fake_yahoo) == before + 1 + 4


def test_an_unknown_ticker_fails_alone(cache: Cache, fake_yahoo: FakeYahoo, clock: Clock,
                                       tmp_home: Path) -> None:
    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(["MSFT", "ZZZZ"])

    assert list(outcome.histories) == ["MSFT"]
    assert dict(outcome.errors) == {"ZZZZ": "unknown symbol ZZZZ"}
    assert outcome.message == "unknown symbol ZZZZ"


def test_without_a_source_refresh_says_offline(cache: Cache, clock: Clock) -> None:
    offline = Refresher(cache, None, clock)

    assert offline.offline
    assert offline.refresh(TICKERS).message == "offline"
    assert offline.cached(["MSFT"]) == {"MSFT": CachedData()}


@pytest.mark.probe(12)
def test_a_corrupt_cache_file_starts_empty_and_fills_again(
        cache_path: Path, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    cache_path.parent.mkdir(parents=True)
    cache_path.write_bytes(b"\x00garbage" * 128)
    cache = Cache(cache_path)
    fresh = refresher(cache, fake_yahoo, clock, tmp_home)

    assert fresh.cached(["MSFT"]) == {"MSFT": CachedData()}
    fresh.refresh(["MSFT"])
    assert fresh.cached(["MSFT"])["MSFT"].quote is not None
    cache.close()
