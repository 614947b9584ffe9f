"""The Refresher: what it fetches when, what it keeps, and how it fails.

Real Cache, real YahooSource and yfinance; Yahoo is FakeYahoo (conftest) at the session level.
"""

from __future__ import annotations

import csv
from collections import Counter
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
    assert requests_by_kind(fake_yahoo) == COLD_REFRESH


# A cold ticker costs four requests: its 1-year chart (the quote comes with it), one
# quoteSummary for both modules, its quarterly income and its earnings-calendar page; and the
# charted tickers share one v7 quote request per 50 (pre- and post-market prices). The
# cookie and crumb are asked for once per process, not per request.
COLD_REFRESH = {"chart 1y": 4, "quoteSummary earningsHistory,calendarEvents": 4,
                "timeseries quarterlyTotalRevenue,quarterlyNetIncome": 4,
                "calendar/earnings": 4, "v7/finance/quote": 1, "fc.yahoo.com": 1,
                "getcrumb": 1}


def requests_by_kind(fake: FakeYahoo) -> dict[str, int]:
    """Every request the fake saw, by what was asked: no request goes uncounted."""
    kinds: Counter[str] = Counter()
    for seen in fake.seen:
        if "/v8/finance/chart/" in seen.url:
            kinds[f"chart {seen.params.get('range')}"] += 1
        elif "/quoteSummary/" in seen.url:
            kinds[f"quoteSummary {seen.params.get('modules')}"] += 1
        elif "/timeseries/" in seen.url:
            kinds[f"timeseries {seen.params.get('type')}"] += 1
        else:
            kinds[next(k for k in ("calendar/earnings", "fc.yahoo.com", "getcrumb",
                                   "v7/finance/quote", "") if k in seen.url) or seen.url] += 1
    return dict(kinds)


def test_a_cold_refresh_of_12_tickers_costs_four_requests_each(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    """12 tickers (each fixture ticker three times over, under other names): the count per
    ticker holds past the pool's size, and a tz lookup or a cookie per call would show."""
    many = [f"{t}{n}" for n in range(3) for t in TICKERS]
    for name in many:  # T0..: answered with the fixture ticker's files
        fake_yahoo.alias[name] = name[:-1]

    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(many)

    assert (outcome.message, dict(outcome.errors)) == ("", {})
    assert list(outcome.histories) == list(outcome.fundamentals) == many
    assert requests_by_kind(fake_yahoo) == {
        kind: count * 3 if count == 4 else count for kind, count in COLD_REFRESH.items()}


def test_a_fresh_cache_makes_no_request(filled: Refresher, fake_yahoo: FakeYahoo,
                                        clock: Clock) -> None:
    before = len(fake_yahoo.seen)
    clock.advance(minutes=4)

    outcome = filled.refresh(TICKERS)

    assert len(fake_yahoo.seen) == before
    assert not (outcome.histories or outcome.quotes or outcome.fundamentals or outcome.message)


def test_stale_quotes_cost_one_batched_quote_request(
        filled: Refresher, cache_path: Path, clock: Clock, tmp_home: Path) -> None:
    clock.advance(minutes=6)  # quotes are stale, history and earnings are not
    session = new_session()
    cache = Cache(cache_path)

    outcome = refresher(cache, session, clock, tmp_home).refresh(TICKERS)

    assert list(outcome.quotes) == TICKERS and not outcome.fundamentals
    assert not outcome.histories and outcome.message == ""
    for ticker in TICKERS:
        assert outcome.quotes[ticker].price == fixture_quote(ticker)[0]
        assert outcome.quotes[ticker].previous_close is not None
    assert session.count("/v7/finance/quote") == 1
    assert session.quote_symbols == [",".join(TICKERS)]
    assert session.count("/v8/finance/chart/") == 0
    assert data_requests(session) == 0  # charts, summaries, timeseries, calendar: none
    assert session.count("fc.yahoo.com") == 0  # the cookie came from disk; only the crumb
    assert cache.fetched_at("quote", "MSFT") == clock.now
    assert cache.fetched_at("fundamentals", "MSFT") == clock.now - timedelta(minutes=6)
    cache.close()


def test_a_quote_only_refresh_of_100_tickers_asks_twice(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    many = [*TICKERS, *(f"T{n:03d}" for n in range(96))]

    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(many, quotes_only=True)

    assert requests_by_kind(fake_yahoo) == {"v7/finance/quote": 2, "fc.yahoo.com": 1,
                                            "getcrumb": 1}
    assert [len(s.split(",")) for s in fake_yahoo.quote_symbols] == [50, 50]
    assert list(outcome.quotes) == TICKERS  # the others Yahoo has no quote for
    assert outcome.errors["T000"] == "no quote from Yahoo for T000"
    assert cache.get_quote("MSFT").price == fixture_quote("MSFT")[0]


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
def test_a_rate_limit_on_a_cold_refresh_of_100_tickers_costs_one_chart_request(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    """The first chart is asked alone: a 429 there stops the run before the pool asks more."""
    many = [*TICKERS, *(f"T{n:03d}" for n in range(96))]
    fake_yahoo.status = 429

    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(many)

    assert outcome.message == "Yahoo rate limit (429) — backing off 60 s"
    assert outcome.backoff_until == clock.now + timedelta(seconds=60)
    assert dict(outcome.errors) == dict.fromkeys(many, "Yahoo rate limit (429)")
    assert fake_yahoo.count("/v8/finance/chart/") == 1
    assert data_requests(fake_yahoo) == 1


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
    assert data_requests(fake_yahoo) == before + 1 + 3  # chart; summary, income, calendar


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


def test_a_rate_limit_holds_for_the_next_fetch_process(
        filled: Refresher, fake_yahoo: FakeYahoo, cache_path: Path, clock: Clock,
        tmp_home: Path) -> None:
    """The back-off lives in the cache file: a new process (new cache connection, new
    refresher, new yfinance) honours it without asking Yahoo anything."""
    fake_yahoo.status = 429
    clock.advance(hours=25)
    assert filled.refresh(TICKERS).message == "Yahoo rate limit (429) — backing off 60 s"
    clock.advance(seconds=20)
    session = new_session()
    cache = Cache(cache_path)

    during = refresher(cache, session, clock, tmp_home).refresh(TICKERS, force=True)

    assert during.message == "Yahoo rate limit (429) — backing off 40 s"
    assert during.backoff_until == clock.now + timedelta(seconds=40)
    assert session.seen == []
    clock.advance(seconds=41)
    after = refresher(cache, session, clock, tmp_home).refresh(TICKERS)
    assert after.message == "" and data_requests(session) > 0
    assert cache.get_meta("backoff") is None  # ended by the run that went through
    cache.close()


def test_each_ticker_lands_as_it_comes_prices_before_fundamentals(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    """A gate holds every fundamentals answer: all prices are in the cache and reported
    before the first fundamentals request is even answered."""
    import threading

    gate = threading.Event()
    seen_at_gate: list[list[tuple[str, str]]] = []
    events: list[tuple[str, str]] = []
    real = fake_yahoo.request

    def held(method: str, url: str, *args: object, **kwargs: object) -> object:
        if "/quoteSummary/" in url and not gate.is_set():
            seen_at_gate.append(list(events))
            gate.set()
        return real(method, url, *args, **kwargs)

    fake_yahoo.request = held  # type: ignore[method-assign]

    def record(event: object) -> None:
        events.append((event.ticker, event.part))  # type: ignore[attr-defined]
        if event.part == "prices":  # type: ignore[attr-defined]
            assert cache.get_history(event.ticker) is not None  # type: ignore[attr-defined]

    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(TICKERS, on_event=record)

    assert outcome.message == ""
    assert sorted(seen_at_gate[0]) == sorted((t, "prices") for t in TICKERS)
    assert sorted(events) == sorted([*((t, "prices") for t in TICKERS),
                                     *((t, "fundamentals") for t in TICKERS)])


def test_the_pool_asks_workers_side_by_side_and_no_more(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    """Charts and fundamentals of 24 tickers: exactly WORKERS data requests are in flight at
    the peak, for charts and for fundamentals alike. Each answer waits (up to 0.2 s) until
    WORKERS requests of its kind are in flight, so the peak does not hang on how the threads
    happen to be scheduled on a loaded machine (a fixed 20 ms delay did)."""
    import threading

    from aiwatch.refresh_run import WORKERS

    many = [f"{t}{n}" for n in range(6) for t in TICKERS]
    for name in many:
        fake_yahoo.alias[name] = name[:-1]
    changed, flying, peak = threading.Condition(), Counter[str](), Counter[str]()
    real = fake_yahoo.request

    def late(method: str, url: str, *args: object, **kwargs: object) -> object:
        kind = next((k for k in ("/v8/finance/chart/", "/quoteSummary/") if k in url), "")
        if not kind:
            return real(method, url, *args, **kwargs)
        with changed:
            flying[kind] += 1
            peak[kind] = max(peak[kind], flying[kind])
            changed.notify_all()
            changed.wait_for(lambda: flying[kind] >= WORKERS, timeout=0.2)
        try:
            return real(method, url, *args, **kwargs)
        finally:
            with changed:
                flying[kind] -= 1

    fake_yahoo.request = late  # type: ignore[method-assign]
    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(many)

    assert (outcome.message, dict(outcome.errors)) == ("", {})
    assert peak == {"/v8/finance/chart/": WORKERS, "/quoteSummary/": WORKERS}
