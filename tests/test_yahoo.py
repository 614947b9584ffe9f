"""YahooSource against Yahoo-shaped answers, through the real yfinance and curl_cffi code.

FakeYahoo (conftest) answers at the session's `request`; everything above it is real.
"""

from __future__ import annotations

import csv
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from time import monotonic
from zoneinfo import ZoneInfo

import pytest
from conftest import (
    SOURCED_DATA,
    YAHOO_FIXTURES,
    YFINANCE_WARNS,
    FakeYahoo,
    NetworkBlocked,
    fixture_quote,
    reset_yfinance,
)
from curl_cffi.requests import Session
from curl_cffi.requests import exceptions as curl

from aiwatch.model import Provenance
from aiwatch.sources.yahoo import PriceData, YahooError, YahooSource
from aiwatch.sources.yahoo_map import number, report_rows

TICKERS = ["BABA", "AMZN", "MSFT", "GOOGL"]
MAY_1 = datetime(2026, 5, 1, 12, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


def source_rows(name: str) -> list[dict[str, str]]:
    with (SOURCED_DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def make_source(tmp_path: Path, session: FakeYahoo, now: datetime) -> YahooSource:
    return YahooSource(tmp_path / "yfinance", session=session, clock=lambda: now)


@pytest.fixture
def source(tmp_path: Path, fake_yahoo: FakeYahoo, fixed_now: datetime) -> YahooSource:
    return make_source(tmp_path, fake_yahoo, fixed_now)


def test_importing_the_module_loads_none_of_its_heavy_dependencies() -> None:
    code = ("import sys, aiwatch.sources.yahoo, aiwatch.refresh, aiwatch.store.cache\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'pandas', 'yfinance', 'curl_cffi', 'numpy'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_prices_are_the_raw_closes_yahoo_sent(source: YahooSource, fixed_now: datetime) -> None:
    results = source.fetch_prices(TICKERS)

    assert list(results) == TICKERS
    for ticker in TICKERS:
        rows = source_rows(f"prices/{ticker}.csv")
        data = results[ticker]
        assert isinstance(data, PriceData)
        history = data.history
        assert history.dates == tuple(date.fromisoformat(r["date"]) for r in rows)
        assert history.closes == tuple(float(r["close"]) for r in rows)
        assert history.origin.kind is Provenance.LIVE
        assert history.origin.as_of == fixed_now


def test_the_quote_comes_from_the_same_chart_answer(source: YahooSource,
                                                    fake_yahoo: FakeYahoo) -> None:
    results = source.fetch_prices(TICKERS)

    for ticker in TICKERS:
        rows = source_rows(f"prices/{ticker}.csv")
        quote = results[ticker].quote  # type: ignore[union-attr]
        assert quote is not None
        price, market_time = fixture_quote(ticker)
        assert quote.price == price != float(rows[-1]["close"])  # a session after the bars
        assert quote.previous_close == float(rows[-1]["close"])  # the last bar's close
        assert quote.currency == "USD"
        assert quote.exchange_tz == "America/New_York"
        # The market time of the price: 10:00 New York, the session after the last bar.
        assert quote.as_of == market_time
        assert market_time.astimezone(NEW_YORK).time() == time(10)
        assert market_time.astimezone(NEW_YORK).date() > date.fromisoformat(rows[-1]["date"])
    assert fake_yahoo.count("/v8/finance/chart/", range="1y") == 4


def test_baba_keeps_its_float32_closes_exactly(source: YahooSource) -> None:
    data = source.fetch_prices(["baba"])["BABA"]

    assert isinstance(data, PriceData)
    assert data.history.closes[-1] == 164.32000732421875
    assert data.history.last_date == date(2026, 2, 11)


def test_an_unknown_ticker_fails_alone(source: YahooSource) -> None:
    results = source.fetch_prices(["MSFT", "ZZZZ"])

    assert isinstance(results["MSFT"], PriceData)
    error = results["ZZZZ"]
    assert isinstance(error, YahooError)
    assert (error.kind, str(error)) == ("unknown_ticker", "unknown symbol ZZZZ")


def test_an_empty_chart_is_reported_as_empty(source: YahooSource,
                                             fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.empty = {"MSFT"}

    results = source.fetch_prices(["MSFT", "AMZN"])

    assert isinstance(results["AMZN"], PriceData)
    error = results["MSFT"]
    assert isinstance(error, YahooError)
    assert error.kind == "empty"


@pytest.mark.parametrize(("failure", "kind", "message"), [
    (lambda: curl.DNSError("Could not resolve host: query2.finance.yahoo.com", 6),
     "offline", "no network"),
    (lambda: curl.ConnectionError("Failed to connect to fc.yahoo.com port 443", 7),
     "offline", "no network"),
    (lambda: curl.Timeout("Operation timed out after 5002 milliseconds", 28),
     "timeout", "timed out after 5 s"),
])
@pytest.mark.probe(51)
def test_a_network_failure_fails_the_whole_call(source: YahooSource, fake_yahoo: FakeYahoo,
                                                failure: object, kind: str,
                                                message: str) -> None:
    fake_yahoo.error = failure  # type: ignore[assignment]

    with pytest.raises(YahooError) as caught:
        source.fetch_prices(TICKERS)

    assert (caught.value.kind, str(caught.value)) == (kind, message)


def test_a_rate_limit_fails_the_call_and_stops_asking(source: YahooSource,
                                                      fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.status = 429

    with pytest.raises(YahooError) as caught:
        source.fetch_prices(TICKERS)

    assert caught.value.kind == "rate_limited"
    assert str(caught.value) == "Yahoo rate limit (429)"
    # yfinance would retry each 429 with a fresh cookie, ticker after ticker: the host is
    # asked once, then left alone.
    assert fake_yahoo.count("/v8/finance/chart/") == 1


@pytest.mark.probe(53)
def test_a_server_error_fails_the_call(source: YahooSource, fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.status = 503

    with pytest.raises(YahooError) as caught:
        source.fetch_prices(TICKERS)

    assert caught.value.kind == "error"


def test_every_request_carries_our_timeout(source: YahooSource, fake_yahoo: FakeYahoo) -> None:
    source.fetch_prices(TICKERS)
    source.fetch_fundamentals("MSFT")

    assert fake_yahoo.seen
    for request in fake_yahoo.seen:  # yfinance asks for 10–30 s; curl gets (connect, read)
        connect, read = request.timeout  # type: ignore[misc]
        assert connect <= 2.5
        assert connect + read <= 5.0


def test_yfinance_keeps_its_caches_in_our_dir(source: YahooSource, tmp_path: Path,
                                              tmp_home: Path) -> None:
    source.fetch_prices(["MSFT"])

    assert (tmp_path / "yfinance" / "cookies.db").is_file()  # Yahoo's cookie, for next time
    assert not list(tmp_home.rglob("py-yfinance"))


def test_fundamentals_map_yahoo_quarters(tmp_path: Path, fake_yahoo: FakeYahoo) -> None:
    source = make_source(tmp_path, fake_yahoo, MAY_1)

    fundamentals = source.fetch_fundamentals("msft")

    rows = [r for r in source_rows("earnings.csv") if r["ticker"] == "MSFT"][:5]
    assert fundamentals.ticker == "MSFT"
    assert fundamentals.origin.kind is Provenance.LIVE
    assert [q.quarter_end for q in fundamentals.quarters] == [
        date.fromisoformat(r["quarter_end"]) for r in rows]
    for index, (quarter, row) in enumerate(zip(fundamentals.quarters, rows, strict=True)):
        assert quarter.revenue == float(row["revenue"])
        assert quarter.net_income == float(row["net_income"])
        # the earnings history (4 newest) has Yahoo's own unrounded consensus, near the sourced
        # one and never equal to it; the fifth quarter's comes from the earnings-calendar page
        assert quarter.eps_estimate == pytest.approx(float(row["eps_estimate"]), abs=0.005)
        assert (quarter.eps_estimate != float(row["eps_estimate"])) is (index < 4)
        assert quarter.eps_reported == float(row["eps_reported"])
        assert quarter.report_date == date.fromisoformat(row["report_date"])
        assert quarter.currency == "USD"
        assert quarter.revenue_yoy_pct is None  # the app computes YoY
    assert fundamentals.next_earnings is None  # Yahoo's date, 2026-04-29, is past on May 1


def test_fundamentals_leave_what_yahoo_lacks_empty(tmp_path: Path,
                                                   fake_yahoo: FakeYahoo) -> None:
    source = make_source(tmp_path, fake_yahoo, MAY_1)

    quarters = {q.quarter_end: q for q in source.fetch_fundamentals("BABA").quarters}

    assert {q.currency for q in quarters.values()} == {"CNY"}
    latest = quarters[date(2026, 3, 31)]
    assert latest.revenue == 243.38e9
    assert latest.eps_reported is None  # not reported by Yahoo...
    assert latest.report_date is None  # ...and the 2026-05-13 report is still to come
    assert quarters[date(2025, 12, 31)].net_income is None
    # The earnings history covers four quarters; the report calendar fills the fifth's EPS.
    oldest = quarters[date(2025, 3, 31)]
    assert (oldest.eps_estimate, oldest.eps_reported) == (None, 1.73)
    assert oldest.report_date == date(2025, 5, 15)


@pytest.mark.parametrize(("ticker", "day", "confirmed"), [
    ("BABA", date(2026, 5, 13), True),
    ("AMZN", date(2026, 7, 30), False),
])
def test_next_earnings_says_whether_the_date_is_confirmed(
        tmp_path: Path, fake_yahoo: FakeYahoo, ticker: str, day: date, confirmed: bool) -> None:
    source = make_source(tmp_path, fake_yahoo, MAY_1)

    upcoming = source.fetch_fundamentals(ticker).next_earnings

    assert upcoming is not None
    assert (upcoming.ticker, upcoming.report_date, upcoming.confirmed) == (ticker, day, confirmed)


def test_fundamentals_of_an_unknown_ticker(source: YahooSource) -> None:
    with pytest.raises(YahooError) as caught:
        source.fetch_fundamentals("ZZZZ")

    assert (caught.value.kind, str(caught.value)) == ("unknown_ticker", "unknown symbol ZZZZ")


def test_fundamentals_offline(source: YahooSource, fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.error = lambda: curl.DNSError("Could not resolve host", 6)

    with pytest.raises(YahooError) as caught:
        source.fetch_fundamentals("MSFT")

    assert caught.value.kind == "offline"


def test_the_guard_stops_real_requests() -> None:
    with pytest.raises(NetworkBlocked):
        Session().get("https://query2.finance.yahoo.com/v8/finance/chart/MSFT")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


@pytest.mark.allow_loopback
@pytest.mark.probe(50)
def test_a_silent_server_is_cut_off(silent_server: int, tmp_path: Path, fixed_now: datetime,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The default curl_cffi session, sent via a proxy that accepts and never answers."""
    reset_yfinance()
    for name in ("no_proxy", "NO_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{silent_server}")
    source = YahooSource(tmp_path / "yfinance", timeout=1.0, clock=lambda: fixed_now)
    started = monotonic()

    with pytest.raises(YahooError) as caught:
        source.fetch_prices(["MSFT"])

    assert caught.value.kind == "timeout"
    assert str(caught.value) == "timed out after 1 s"
    assert monotonic() - started < 6


# --- the earnings-calendar page, read without yfinance's frame --------------------------------

@YFINANCE_WARNS
@pytest.mark.parametrize("ticker", TICKERS)
def test_the_calendar_page_reads_as_yfinance_read_it(ticker: str, tmp_path: Path,
                                                     fake_yahoo: FakeYahoo) -> None:
    import yfinance

    yfinance.set_tz_cache_location(str(tmp_path / "yfinance"))
    frame = yfinance.Ticker(ticker, session=fake_yahoo).get_earnings_dates(limit=12)
    theirs = sorted((stamp.date(), number(row["EPS Estimate"]), number(row["Reported EPS"]))
                    for stamp, row in frame.iterrows())
    page = (YAHOO_FIXTURES / f"earnings_dates_{ticker}.html").read_text(encoding="utf-8")

    assert report_rows(page) == theirs
    assert len(theirs) >= 7


def test_the_calendar_page_reads_cells_through_their_markup() -> None:
    """Yahoo's cells wrap their text in links and spans; "-" is no figure; the first table is
    the one; a row without a date is left out."""
    page = (
        "<html><body><table><thead><tr><th><span>Symbol</span></th><th>Company</th>"
        "<th>Earnings Date</th><th>EPS Estimate</th><th>Reported EPS</th>"
        "<th>Surprise (%)</th></tr></thead><tbody>"
        '<tr><td><a href="/quote/MSFT">MSFT</a></td><td>Microsoft\n Corporation</td>'
        "<td><span>July 29, 2026</span> <span>at 4 PM EDT</span></td><td>4.10</td>"
        "<td>-</td><td>-</td></tr>"
        "<tr><td>MSFT</td><td>Microsoft</td><td>January 28, 2026 at 4 PM EST</td>"
        "<td>1,003.97</td><td><b>4.14</b></td><td>+4.28</td></tr>"
        "<tr><td>MSFT</td><td>Microsoft</td><td>-</td><td>1</td><td>2</td><td>3</td></tr>"
        "</tbody></table><table><tr><th>Earnings Date</th></tr></table></body></html>")

    assert report_rows(page) == [(date(2026, 1, 28), 1003.97, 4.14),
                                 (date(2026, 7, 29), 4.10, None)]
    assert report_rows("<html><p>No results for this symbol.</p></html>") == []
