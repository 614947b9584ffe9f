"""Any Yahoo symbol (issue 12): names and instrument types from Yahoo, no fundamentals asked for
instruments without earnings, pre- and post-market prices, and the FX quotes positions need.

Mapping is checked on Yahoo's real answers (tests/fixtures/captures: quote_BABA.json has a
post-market price 124.81 at 1739581199, after the regular 124.73 at 1739566802; AAPL's chart
meta); the refresh on FakeYahoo, whose QQQ chart (tests/fixtures/yahoo/chart_QQQ_1y.json) and
currency pairs (quote_fx.json) are hand-made test data in Yahoo's shapes: an ETF's meta
(instrumentType ETF, longName "Invesco QQQ Trust, Series 1") with plausible prices, not sourced.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from capture_yahoo import CAPTURES, CaptureYahoo
from conftest import YAHOO_FIXTURES, FakeYahoo, fixture_quote, reset_yfinance
from msgspec.structs import replace
from test_fetch import FAKE_FETCH, child_env
from test_refresh import Clock, requests_by_kind

from aiwatch.cli import fetch as run_fetch
from aiwatch.cli import parse_args
from aiwatch.feed import base_views, fx_table, merge
from aiwatch.fetcher import InProcessFetcher, SubprocessFetcher
from aiwatch.metrics import extended_change
from aiwatch.model import Origin, Provenance, Quote
from aiwatch.refresh import FetchEvent, Refresher, Ttl
from aiwatch.sources.snapshot import load_snapshot
from aiwatch.sources.yahoo import YahooSource
from aiwatch.sources.yahoo_map import display_name, v7_quotes
from aiwatch.store import codec
from aiwatch.store.cache import Cache
from aiwatch.summary import summarise

LIVE = Origin(Provenance.LIVE, datetime(2025, 2, 15, tzinfo=UTC))
BABA_REGULAR = datetime.fromtimestamp(1739566802, UTC)
BABA_POST = datetime.fromtimestamp(1739581199, UTC)
QQQ_NAME = "Invesco QQQ Trust, Series 1"
# the cookie, the crumb, the chart and one v7 quote: an ETF costs no fundamentals request
ETF_REFRESH = {"chart 1y": 1, "v7/finance/quote": 1, "fc.yahoo.com": 1, "getcrumb": 1}


def baba_capture() -> dict[str, Any]:
    return json.loads((CAPTURES / "quote_BABA.json").read_text())


def baba_item(answer: dict[str, Any]) -> dict[str, Any]:
    return answer["quoteResponse"]["result"][0]


@pytest.fixture
def clock(fixed_now: datetime) -> Clock:
    return Clock(fixed_now)


@pytest.fixture
def cache(tmp_home: Path) -> Iterator[Cache]:
    cache = Cache(tmp_home / "cache" / "aiwatch" / "cache.sqlite3")
    yield cache
    cache.close()


def refresher(cache: Cache, session: FakeYahoo, clock: Clock, tmp_home: Path,
              ttl: Ttl | None = None) -> Refresher:
    source = YahooSource(tmp_home / "cache" / "aiwatch" / "yfinance", session=session,
                         clock=clock)
    return Refresher(cache, source, clock, ttl or Ttl())


def with_v7_rows(yahoo: FakeYahoo, change: dict[str, dict[str, object]]) -> None:
    """Every v7 answer of `yahoo` with these fields added to the named symbols' rows."""
    answer = yahoo._answer

    def changed(url: str, host: str, path: str, query: dict[str, str]) -> object:
        response = answer(url, host, path, query)
        if path == "/v7/finance/quote":
            body = json.loads(response.content)
            for row in body["quoteResponse"]["result"]:
                row.update(change.get(row["symbol"], {}))
            response.content = json.dumps(body).encode()
        return response

    yahoo._answer = changed  # type: ignore[method-assign]


# --- mapping, on Yahoo's real answers ---------------------------------------------------------

def test_a_v7_quote_carries_name_type_and_the_post_market_price() -> None:
    quote = v7_quotes(baba_capture(), LIVE)["BABA"]

    assert (quote.name, quote.instrument) == ("Alibaba Group Holding Limited", "EQUITY")
    assert (quote.price, quote.as_of) == (124.73, BABA_REGULAR)
    assert (quote.extended_price, quote.extended_time, quote.extended_session) == (
        124.81, BABA_POST, "post")


def test_the_extended_change_is_against_the_regular_price_as_yahoo_computes_it() -> None:
    change = extended_change(v7_quotes(baba_capture(), LIVE)["BABA"])

    assert change is not None
    item = baba_item(baba_capture())
    assert change[0] == pytest.approx(item["postMarketChange"], abs=1e-4)  # 0.0799942
    assert change[1] == pytest.approx(item["postMarketChangePercent"], abs=1e-5)  # 0.0641339
    assert extended_change(replace(v7_quotes(baba_capture(), LIVE)["BABA"],
                                   extended_price=None)) is None


def test_a_post_market_price_of_an_earlier_session_is_stale_and_dropped() -> None:
    answer = baba_capture()
    baba_item(answer)["postMarketTime"] = 1739566802 - 3600  # before the regular price

    quote = v7_quotes(answer, LIVE)["BABA"]

    assert (quote.extended_price, quote.extended_time, quote.extended_session) == (None, None, "")
    assert extended_change(quote) is None


def test_a_later_pre_market_price_wins_over_the_evenings_post_market() -> None:
    answer = baba_capture()
    baba_item(answer).update(preMarketPrice=126.02, preMarketTime=1739581199 + 12 * 3600)

    quote = v7_quotes(answer, LIVE)["BABA"]

    assert (quote.extended_price, quote.extended_session) == (126.02, "pre")
    assert quote.extended_time == BABA_POST + timedelta(hours=12)


def test_names_are_one_plain_line_of_at_most_80_characters() -> None:
    assert display_name({"longName": "Evil\x1b]0;pwned\x07 Corp\n Inc.", "shortName": "E"}) == (
        "Evil]0;pwned Corp Inc.")
    assert display_name({"longName": "", "shortName": "HKD/USD"}) == "HKD/USD"
    assert display_name({"longName": 12}) == ""
    assert len(display_name({"longName": "A" * 500})) == 80


def test_yahoos_v7_and_chart_answers_name_the_symbol_through_the_source(
        tmp_path: Path) -> None:
    reset_yfinance()
    session = CaptureYahoo()
    try:
        source = YahooSource(tmp_path / "yf", session=session,
                             clock=lambda: datetime(2025, 11, 27, 15, tzinfo=UTC))
        quote = source.fetch_quotes(["BABA"])["BABA"]
        chart = source.fetch_prices(["AAPL"])["AAPL"]
    finally:
        session.close()
        reset_yfinance()

    assert isinstance(quote, Quote)
    assert (quote.name, quote.instrument, quote.extended_price, quote.extended_session) == (
        "Alibaba Group Holding Limited", "EQUITY", 124.81, "post")
    assert chart.quote is not None  # type: ignore[union-attr]
    assert (chart.quote.name, chart.quote.instrument) == ("Apple Inc.", "EQUITY")  # type: ignore[union-attr]


# --- the cache ------------------------------------------------------------------------------

def test_a_cache_entry_written_before_these_fields_decodes_with_their_defaults() -> None:
    full = v7_quotes(baba_capture(), LIVE)["BABA"]
    old = json.loads(codec.encode(full))
    for name in ("name", "instrument", "extended_price", "extended_time", "extended_session"):
        del old[name]

    decoded = codec.decode(Quote, json.dumps(old), LIVE)

    assert decoded == replace(full, name="", instrument="", extended_price=None,
                              extended_time=None, extended_session="")


def test_the_new_fields_survive_the_cache(cache: Cache) -> None:
    quote = v7_quotes(baba_capture(), LIVE)["BABA"]
    cache.put_many([quote])

    assert cache.get_quote("BABA") == replace(quote, origin=cache.get_quote("BABA").origin)


# --- an ETF through a refresh ---------------------------------------------------------------

def test_an_etf_is_named_by_yahoo_and_costs_no_fundamentals_request(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(["QQQ"])

    assert (outcome.message, dict(outcome.errors), dict(outcome.fundamentals)) == ("", {}, {})
    assert requests_by_kind(fake_yahoo) == ETF_REFRESH
    quote = cache.get_quote("QQQ")
    assert quote is not None
    assert (quote.name, quote.instrument, quote.price) == (QQQ_NAME, "ETF", 621.47)

    view = merge(base_views(load_snapshot(), ["QQQ"])["QQQ"], quote=quote)  # a cached quote
    summary = summarise(view, (), "", clock.now)
    assert view.company.name == QQQ_NAME
    assert summary.no_fundamentals_reason == "ETF: no earnings"


def test_stale_fundamentals_of_a_cached_etf_are_not_asked_for(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    """Prices still fresh, fundamentals stale: the cached quote says it is an ETF."""
    ttl = Ttl(quote=timedelta(days=3), history=timedelta(days=3))
    refresher(cache, fake_yahoo, clock, tmp_home, ttl).refresh(["QQQ"])
    asked = len(fake_yahoo.seen)
    clock.advance(hours=25)

    outcome = refresher(cache, fake_yahoo, clock, tmp_home, ttl).refresh(["QQQ"])

    assert len(fake_yahoo.seen) == asked
    assert (outcome.message, dict(outcome.errors)) == ("", {})


def test_a_list_with_an_etf_asks_fundamentals_for_the_company_only(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(["MSFT", "QQQ"])

    assert (outcome.message, dict(outcome.errors)) == ("", {})
    assert list(outcome.fundamentals) == ["MSFT"]
    assert requests_by_kind(fake_yahoo) == {
        "chart 1y": 2, "v7/finance/quote": 1, "quoteSummary earningsHistory,calendarEvents": 1,
        "timeseries quarterlyTotalRevenue,quarterlyNetIncome": 1, "calendar/earnings": 1,
        "fc.yahoo.com": 1, "getcrumb": 1}
    assert fake_yahoo.quote_symbols == ["MSFT,QQQ"]


def test_an_equity_without_earnings_data_still_reports_it(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    """The same chart said to be a company's shares: fundamentals are asked, and Yahoo's
    "not found" for them is the card's error, as before."""
    chart = json.loads((YAHOO_FIXTURES / "chart_QQQ_1y.json").read_text())
    chart["chart"]["result"][0]["meta"]["instrumentType"] = "EQUITY"
    answer = fake_yahoo._answer

    def as_equity(url: str, host: str, path: str, query: dict[str, str]) -> object:
        if path.startswith("/v8/finance/chart/"):
            return fake_yahoo._respond(url, 200, json.dumps(chart).encode())
        return answer(url, host, path, query)

    fake_yahoo._answer = as_equity  # type: ignore[method-assign]

    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(["QQQ"])

    assert dict(outcome.errors) == {"QQQ": "unknown symbol QQQ"}
    assert "quoteSummary earningsHistory,calendarEvents" in requests_by_kind(fake_yahoo)


def test_a_bundled_company_keeps_its_own_name(cache: Cache, fake_yahoo: FakeYahoo,
                                              clock: Clock, tmp_home: Path) -> None:
    refresher(cache, fake_yahoo, clock, tmp_home).refresh(["BABA"])
    quote = cache.get_quote("BABA")
    base = base_views(load_snapshot(), ["BABA"])["BABA"]

    assert quote is not None and quote.name == "Alibaba Group Holding Limited"
    assert merge(base, quote=quote).company == base.company


# --- extended hours through a refresh -------------------------------------------------------

def test_a_cold_refresh_brings_the_post_market_price_with_the_charts_quote(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    price, regular = fixture_quote("MSFT")
    after_close = int(regular.timestamp()) + 7 * 3600
    with_v7_rows(fake_yahoo, {"MSFT": {"postMarketPrice": 541.2, "postMarketTime": after_close,
                                       "regularMarketPrice": 999.0}})
    events: list[FetchEvent] = []

    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(["MSFT"],
                                                                    on_event=events.append)

    quote = outcome.quotes["MSFT"]
    assert quote.price == price  # the chart's price stays; v7 lends the extended hours
    assert (quote.extended_price, quote.extended_session) == (541.2, "post")
    assert quote.extended_time == datetime.fromtimestamp(after_close, UTC)
    assert cache.get_quote("MSFT").extended_price == 541.2
    view = merge(base_views(load_snapshot(), ["MSFT"])["MSFT"], quote=cache.get_quote("MSFT"))
    assert view.quote is not None and view.quote.extended_price == 541.2  # the merge keeps it
    assert [e.part for e in events if e.ticker == "MSFT"] == ["prices", "prices",
                                                              "fundamentals"]


def test_a_post_market_price_older_than_the_charts_price_is_dropped(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    """The v7 answer lags the chart: its post-market price is after its own regular price,
    yet before the chart's."""
    _, regular = fixture_quote("MSFT")
    stamp = int(regular.timestamp())
    with_v7_rows(fake_yahoo, {"MSFT": {"postMarketPrice": 541.2, "postMarketTime": stamp - 3600,
                                       "regularMarketTime": stamp - 7200}})

    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(["MSFT"])

    assert outcome.quotes["MSFT"].extended_price is None


def test_twelve_cold_tickers_share_one_quote_request(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    many = [f"{t}{n}" for n in range(13) for t in ("MSFT", "AMZN", "GOOGL", "BABA")][:52]
    for name in many:
        fake_yahoo.alias[name] = name.rstrip("0123456789")

    refresher(cache, fake_yahoo, clock, tmp_home).refresh(many, quotes_only=False)

    assert [len(s.split(",")) for s in fake_yahoo.quote_symbols] == [50, 2]


# --- FX quotes for positions ----------------------------------------------------------------

def test_fx_pairs_cost_one_quote_request_and_make_an_fx_table(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    events: list[FetchEvent] = []
    pairs = ["HKDUSD=X", "EURUSD=X"]
    fetching = refresher(cache, fake_yahoo, clock, tmp_home)

    outcome = fetching.refresh([], fx=pairs, on_event=events.append)

    assert requests_by_kind(fake_yahoo) == {"v7/finance/quote": 1, "fc.yahoo.com": 1,
                                            "getcrumb": 1}
    assert list(outcome.fx) == pairs and not outcome.quotes
    assert [(e.ticker, e.part) for e in events] == [("HKDUSD=X", "fx"), ("EURUSD=X", "fx")]
    table = fx_table(c.quote for c in fetching.cached([*pairs, "USDJPY=X"]).values())
    hkd = table.conversion("HKD", "USD")
    assert hkd is not None and hkd.rate == 0.1285
    (used,) = hkd.used
    _, market_time = fixture_quote("MSFT")  # the rows' market time is the fixtures'
    assert (used.pair, used.as_of) == ("HKDUSD=X", market_time)
    assert table.conversion("EUR", "HKD").rate == pytest.approx(1.1712 / 0.1285)
    assert table.conversion("JPY", "USD") is None  # not asked, not cached: no guess

    clock.advance(minutes=4)
    fetching.refresh([], fx=pairs)
    assert fake_yahoo.count("/v7/finance/quote") == 1  # fresh: not asked again


def test_fx_pairs_ride_in_the_cold_refreshs_quote_request(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(["MSFT"], fx=["HKDUSD=X"])

    assert fake_yahoo.quote_symbols == ["HKDUSD=X,MSFT"]
    assert fake_yahoo.count("/v8/finance/chart/") == 1  # the pair has no chart
    assert fake_yahoo.count("/quoteSummary/") == 1  # nor fundamentals
    assert outcome.fx["HKDUSD=X"].price == 0.1285


def test_a_pair_yahoo_has_no_quote_for_is_named(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh([], fx=["SEKUSD=X"])

    assert outcome.errors == {"SEKUSD=X": "no quote from Yahoo for SEKUSD=X"}


def test_aiwatch_fetch_fx_fetches_and_counts_the_pairs(
        fake_yahoo: FakeYahoo, capsys: pytest.CaptureFixture[str], tmp_home: Path) -> None:
    status = run_fetch(parse_args(["fetch", "--tickers", "MSFT", "--fx", "hkdusd=x,EURUSD=X"]),
                       session=fake_yahoo)

    assert status == 0
    assert capsys.readouterr().out == (
        "aiwatch fetch: fundamentals 1/1, fx 2/2, prices 1/1\n")


def test_aiwatch_fetch_refuses_what_is_no_currency_pair(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["fetch", "--fx", "HKDUSD=X,MSFT"])

    assert exit_info.value.code == 2
    assert "not currency pairs: 'MSFT'" in capsys.readouterr().err


def test_the_fetch_process_passes_the_pairs_on(tmp_home: Path) -> None:
    async def collect() -> list[FetchEvent]:
        fetcher = SubprocessFetcher(FAKE_FETCH, env=child_env())
        return [e async for e in fetcher.run(["MSFT"], force=False, fx=["HKDUSD=X"])]

    events = asyncio.run(collect())

    assert FetchEvent("HKDUSD=X", "fx") in events
    assert events[-1].done and events[-1].message == ""
    cache = Cache(tmp_home / "cache" / "aiwatch" / "cache.sqlite3")
    try:
        assert cache.get_quote("HKDUSD=X").price == 0.1285
    finally:
        cache.close()


def test_the_in_process_fetcher_passes_the_pairs_on(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    fetcher = InProcessFetcher(refresher(cache, fake_yahoo, clock, tmp_home))

    async def collect() -> list[FetchEvent]:
        return [e async for e in fetcher.run([], False, fx=["EURUSD=X"])]

    events = asyncio.run(collect())

    assert events[0] == FetchEvent("EURUSD=X", "fx")
    assert events[-1].done


def test_a_charted_ticker_without_a_v7_quote_keeps_its_charts_and_no_error(
        cache: Cache, fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> None:
    """v7 answers nothing (benchmarks/yahoo_replay.py does so): the chart's quote stands."""
    answer = fake_yahoo._answer

    def no_quotes(url: str, host: str, path: str, query: dict[str, str]) -> object:
        if path == "/v7/finance/quote":
            return fake_yahoo._respond(url, 200, b'{"quoteResponse":{"result":[],"error":null}}')
        return answer(url, host, path, query)

    fake_yahoo._answer = no_quotes  # type: ignore[method-assign]

    outcome = refresher(cache, fake_yahoo, clock, tmp_home).refresh(["MSFT"])

    assert (outcome.message, dict(outcome.errors)) == ("", {})
    assert outcome.quotes["MSFT"].price == fixture_quote("MSFT")[0]


@pytest.mark.parametrize(("instrument", "reason"), [
    ("EQUITY", ""), ("", ""), ("ETF", "ETF: no earnings"), ("INDEX", "index: no earnings"),
    ("CRYPTOCURRENCY", "crypto: no earnings"), ("CURRENCY", "currency: no earnings"),
    ("ECNQUOTE", "ecnquote: no earnings")])
def test_the_card_says_once_why_an_instrument_has_no_earnings(instrument: str,
                                                               reason: str) -> None:
    quote = replace(v7_quotes(baba_capture(), LIVE)["BABA"], instrument=instrument)
    view = merge(base_views(load_snapshot(), ["X"])["X"], quote=quote)

    assert summarise(view, (), "", datetime(2025, 2, 15, tzinfo=UTC)).no_fundamentals_reason == (
        reason)
