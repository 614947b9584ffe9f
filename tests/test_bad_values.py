"""Values that crashed the app, and were cached so they crashed it again (fault probe #32–#39,
#54, #55): checked where they come in (Yahoo's answers, the user's CSVs), refused by the cache
decoder when an older version stored them, and drawn safely by the widgets anyway."""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import YAHOO_FIXTURES, FakeYahoo, fixture_quote
from curl_cffi.requests import Response
from screen_states import FIXED_NOW

from aiwatch.locations import cache_file
from aiwatch.model import Origin, PriceHistory, Provenance, plausible_price
from aiwatch.screens.sources import SourcesScreen
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.sources import snapshot as snapshot_module
from aiwatch.sources.snapshot import load_snapshot
from aiwatch.sources.yahoo import PriceData, YahooError, YahooSource
from aiwatch.store.cache import Cache
from aiwatch.widgets.format import range_bar, sparkline
from aiwatch.widgets.share_bars import bar_cells

# through yfinance (an answer holding NaN or 1e309 it drops whole: see the frame test below)
ABSURD = [1e308, -1e308, 0.0, -5.0, 2e7, 1e7 + 1]


# --- Yahoo's answers -------------------------------------------------------------------------

def _rewrite_chart(session: FakeYahoo, symbol: str, change: Callable[[dict], None]) -> None:
    """Answer `symbol`'s 1y chart with the fixture changed by `change`."""
    answer = session._file

    def rewritten(url: str, name: str, *args: object, **kwargs: object) -> Response:
        response = answer(url, name, *args, **kwargs)
        if name == f"chart_{symbol}_1y.json":
            data = json.loads(response.content)
            change(data["chart"]["result"][0])
            response.content = json.dumps(data).encode()
        return response

    session._file = rewritten  # type: ignore[method-assign]


def _set_closes(values: list[float], every: int = 20) -> Callable[[dict], None]:
    """Put `values` into every `every`-th close (and adjclose) of the chart."""
    def change(result: dict) -> None:
        for series in (result["indicators"]["quote"][0]["close"],
                       result["indicators"]["adjclose"][0]["adjclose"]):
            for i, value in enumerate(values):
                series[i * every] = value
    return change


@pytest.fixture
def source(tmp_path: Path, fake_yahoo: FakeYahoo) -> YahooSource:
    return YahooSource(tmp_path / "yfinance", session=fake_yahoo, clock=lambda: FIXED_NOW)


@pytest.mark.probe(54, 55)
def test_absurd_closes_are_left_out_and_said(source: YahooSource, fake_yahoo: FakeYahoo) -> None:
    fixture = json.loads((YAHOO_FIXTURES / "chart_MSFT_1y.json").read_text())
    closes = fixture["chart"]["result"][0]["indicators"]["quote"][0]["close"]
    assert all(closes[i * 20] is not None for i in range(len(ABSURD)))
    _rewrite_chart(fake_yahoo, "MSFT", _set_closes(ABSURD))

    result = source.fetch_prices(["MSFT"])["MSFT"]

    assert isinstance(result, PriceData)
    history = result.history
    assert all(plausible_price(c) for c in history.closes)
    # what survives is Yahoo's own closes, minus the eight broken days
    assert len(history.closes) == sum(c is not None for c in closes) - len(ABSURD)
    assert history.note == f"{len(ABSURD)} unusable closes from Yahoo left out"
    assert result.quote is not None and result.quote.price == fixture_quote("MSFT")[0]


@pytest.mark.probe(54, 55)
def test_closes_from_a_chart_leave_out_gaps_nan_and_inf() -> None:
    """The mapping itself, on a chart answer: gaps (null, NaN) are no closes, inf and the
    rest are counted as left out; each bar is on its market day in the exchange's zone."""
    from aiwatch.sources.yahoo_map import chart_closes

    opens = [datetime(2026, 5, d, 9, 30, tzinfo=ZoneInfo("America/New_York")) for d in range(1, 8)]
    values = [100.0, None, float("nan"), float("inf"), float("-inf"), 1e308, 101.5]
    answer = {"chart": {"result": [{
        "meta": {"exchangeTimezoneName": "America/New_York"},
        "timestamp": [int(t.timestamp()) for t in opens],
        "indicators": {"quote": [{"close": values}]}}]}}

    dates, closes, dropped = chart_closes(answer)

    assert closes == (100.0, 101.5) and dropped == 3
    assert dates == (date(2026, 5, 1), date(2026, 5, 7))


@pytest.mark.probe(54, 55)
@pytest.mark.parametrize(("value", "message"), [
    (1e308, "Yahoo's 252 prices for MSFT are all unusable"),
    (0.0, "Yahoo's 252 prices for MSFT are all unusable"),
    (-1e308, "Yahoo's 252 prices for MSFT are all unusable"),
])
def test_a_chart_of_nothing_but_absurd_closes_is_an_error(
    source: YahooSource, fake_yahoo: FakeYahoo, value: float, message: str
) -> None:
    def every_close(result: dict) -> None:
        closes = result["indicators"]["quote"][0]["close"]
        result["indicators"]["quote"][0]["close"] = [value] * len(closes)
        result["indicators"]["adjclose"][0]["adjclose"] = [value] * len(closes)
        result["meta"]["regularMarketPrice"] = value

    _rewrite_chart(fake_yahoo, "MSFT", every_close)

    error = source.fetch_prices(["MSFT"])["MSFT"]

    assert isinstance(error, YahooError) and error.kind == "empty"
    assert str(error).startswith(message)


@pytest.mark.probe(47, 55)
@pytest.mark.parametrize(("meta", "currency", "zone"), [
    ({"currency": "\x1b]0;PWNED\x07"}, "", "America/New_York"),
    ({"currency": "usd"}, "", "America/New_York"),
    ({"regularMarketPrice": 1e308}, "USD", None),
])
def test_chart_meta_is_checked_before_it_is_kept(
    source: YahooSource, fake_yahoo: FakeYahoo, meta: dict, currency: str, zone: str | None
) -> None:
    """A currency is an ISO code or none; strings lose their control characters; an absurd
    price is no quote (a quote without a currency neither)."""
    _rewrite_chart(fake_yahoo, "MSFT", lambda result: result["meta"].update(meta))

    result = source.fetch_prices(["MSFT"])["MSFT"]

    assert isinstance(result, PriceData)
    assert result.history.currency == currency
    if currency and zone:
        assert result.quote is not None and result.quote.exchange_tz == zone
    else:
        assert result.quote is None


# --- the cache -------------------------------------------------------------------------------

def _origin() -> Origin:
    return Origin(Provenance.CACHED, FIXED_NOW)


def _history(closes: tuple[float, ...]) -> PriceHistory:
    days = tuple(date(2026, 5, d) for d in range(1, len(closes) + 1))
    return PriceHistory("MSFT", days, closes, _origin(), currency="USD")


def _put_raw(kind: str, ticker: str, payload: str) -> None:
    """An entry as an older version (or a hand) wrote it: bypassing the encoder."""
    with sqlite3.connect(cache_file()) as db:
        db.execute("INSERT OR REPLACE INTO entries (kind, ticker, payload, fetched_at)"
                   " VALUES (?, ?, ?, ?)", (kind, ticker, payload, FIXED_NOW.isoformat()))
    db.close()


@pytest.mark.probe(55)
def test_the_cache_refuses_entries_holding_absurd_prices() -> None:
    cache = Cache(cache_file())
    cache.put_history(_history((100.0, 1e308, 101.0)))  # finite: JSON can hold it
    assert cache.get_history("MSFT") is None
    cache.put_history(_history((100.0, 101.0)))
    assert cache.get_history("MSFT").closes == (100.0, 101.0)
    quote = {"ticker": "MSFT", "price": -1e308, "previous_close": 1.0, "currency": "USD",
             "as_of": FIXED_NOW.isoformat(), "exchange_tz": ""}
    _put_raw("quote", "MSFT", json.dumps(quote))
    assert cache.get_quote("MSFT") is None
    _put_raw("quote", "MSFT", json.dumps({**quote, "price": 1.0, "previous_close": "NaN"})
             .replace('"NaN"', "NaN"))
    assert cache.get_quote("MSFT") is None
    _put_raw("quote", "MSFT", json.dumps({**quote, "price": 2.5}))
    assert cache.get_quote("MSFT").price == 2.5
    cache.close()


@pytest.mark.probe(55)
async def test_an_old_poisoned_cache_does_not_crash_the_offline_app(make_test_app) -> None:
    """As the probe left it: ±1e308 closes and quote cached; every later launch crashed."""
    cache = Cache(cache_file())
    cache.close()
    history = {"ticker": "MSFT", "dates": ["2026-11-23", "2026-11-24", "2026-11-25"],
               "closes": [1e308, -1e308, 1e308], "note": "", "currency": "USD"}
    _put_raw("history", "MSFT", json.dumps(history))
    quote = {"ticker": "MSFT", "price": 1e308, "previous_close": -1e308, "currency": "USD",
             "as_of": FIXED_NOW.isoformat(), "exchange_tz": ""}
    _put_raw("quote", "MSFT", json.dumps(quote))
    app = make_test_app(offline=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WatchlistScreen)
        msft = app.summaries["MSFT"]
        assert msft.figures.quote.origin.kind is Provenance.SNAPSHOT  # the cache entry ignored
        await pilot.press("l", "l", "enter")
        await pilot.pause()
    assert app.return_code in (0, None)


# --- the widgets, whatever they are handed ---------------------------------------------------

@pytest.mark.probe(54, 55)
def test_the_sparkline_and_range_bar_draw_any_float() -> None:
    assert sparkline((1e308, -1e308, 1e308), 3).plain == "█▁█"
    assert sparkline((float("nan"), 1.0, 2.0, float("inf")), 4).plain == "▁█"
    assert sparkline((float("nan"),), 4).plain == "n/a"
    assert sparkline((0.0, 0.0), 2).plain == "▁▁"
    assert range_bar(float("nan"), 5).plain == "─────"
    assert range_bar(0.5, 5).plain == "──●──"
    assert bar_cells(float("nan"), 40, 10) == 0 and bar_cells(float("inf"), 40, 10) == 0


# --- the user's market_share.csv -------------------------------------------------------------

HEADER = "provider,region,period,share_pct,firm,source_url,published\n"


def _user_csv(tmp_path: Path, body: str, encoding: str = "utf-8") -> Path:
    folder = tmp_path / "user"
    folder.mkdir(exist_ok=True)
    (folder / "market_share.csv").write_text(HEADER + body, encoding=encoding)
    return folder


def _row(period: str = "2027Q1", share: str = "30", provider: str = "AWS",
         url: str = "https://example.com/r") -> str:
    return f"{provider},global,{period},{share},Synergy,{url},2027-04-20\n"


@pytest.mark.probe(32)
def test_a_csv_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    snap = load_snapshot(user_dir=_user_csv(tmp_path, _row(), encoding="utf-8-sig"))
    assert snap.rejected == ()
    assert [s.share_pct for s in snap.shares if s.period == "2027Q1"] == [30.0]


@pytest.mark.probe(33, 37)
@pytest.mark.parametrize(("share", "reason"), [
    ("nan", "share_pct 'nan' is not a finite number"),
    ("inf", "share_pct 'inf' is not a finite number"),
    ("-inf", "share_pct '-inf' is not a finite number"),
    ("1e308", "share 1e+308 is outside 0–100"),
    ("-30", "share -30 is outside 0–100"),
])
def test_a_share_that_is_no_percentage_is_skipped_and_named(
    tmp_path: Path, share: str, reason: str
) -> None:
    snap = load_snapshot(user_dir=_user_csv(tmp_path, _row(share=share)))
    assert snap.rejected == (f"market_share.csv line 2: {reason}",)
    assert not [s for s in snap.shares if s.period == "2027Q1"]


@pytest.mark.probe(35, 37)
@pytest.mark.parametrize("period", ["Q2 2026", "2026-Q2", "2026 q2", "q2-2026"])
def test_periods_in_other_spellings_are_read_as_one(tmp_path: Path, period: str) -> None:
    snap = load_snapshot(user_dir=_user_csv(tmp_path, _row(period=period)))
    assert snap.rejected == ()
    assert [s.period for s in snap.shares if s.firm.startswith("Synergy")
            and s.source_url == "https://example.com/r"] == ["2026Q2"]


async def _render_with(make_test_app, tmp_home: Path, body: str) -> str:  # noqa: ANN001
    data = tmp_home / "config" / "aiwatch" / "data"
    data.mkdir(parents=True)
    (data / "market_share.csv").write_text(HEADER + body, encoding="utf-8")
    app = make_test_app()
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WatchlistScreen)
        shown = app.screen.query_one("#shares").render()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
    assert app.return_code in (0, None)
    return str(shown)


@pytest.mark.probe(34, 36)
@pytest.mark.parametrize("body", [
    # a newest quarter whose shares are all zero
    "".join(_row(share="0", provider=p) for p in ("AWS", "Microsoft", "Google", "Alibaba")),
    # an unclosed IPv6 bracket: urlparse raises
    _row(url="http://[oops/x") + _row(provider="Microsoft", url="https://[::1"),
    # every odd value at once, bad rows among good ones
    _row(share="nan") + _row(period="Q2 2026") + _row(share="1e308", provider="Google")
    + _row(period="2026-Q3", provider="Microsoft", url="http://[x"),
])
async def test_odd_user_rows_never_crash_a_screen(make_test_app, tmp_home: Path,
                                                  body: str) -> None:
    await _render_with(make_test_app, tmp_home, body)


# --- limits ----------------------------------------------------------------------------------

@pytest.mark.probe(39)
def test_a_million_bad_rows_read_only_the_first_ones_and_say_so_in_short(
    tmp_path: Path
) -> None:
    rows = "".join(_row(share="x") for _ in range(1_000_000))
    folder = _user_csv(tmp_path, rows)
    start = time.perf_counter()
    snap = load_snapshot(user_dir=folder)
    elapsed = time.perf_counter() - start
    limit = snapshot_module.MAX_ROWS
    assert elapsed < 2.0, f"{elapsed:.1f} s"
    assert len(snap.rejected) == limit
    assert sum(len(p) for p in snap.problems) < 400
    assert any(f"only the first {limit:,} rows were read" in p for p in snap.problems)


@pytest.mark.probe(39)
def test_an_overlong_line_is_rejected_not_held(tmp_path: Path) -> None:
    long_firm = "S" * (snapshot_module.MAX_LINE + 10)
    folder = _user_csv(tmp_path, _row() + f"AWS,global,2027Q2,31,{long_firm},https://x/r,\n")
    snap = load_snapshot(user_dir=folder)
    assert [s.period for s in snap.shares if s.source_url == "https://example.com/r"] == [
        "2027Q1"]
    assert any("line 3" in r and "longer than" in r for r in snap.rejected)
    assert all(len(r) < 300 for r in snap.rejected)


def test_finite_is_what_the_limits_build_on() -> None:
    assert not plausible_price(math.nan) and not plausible_price(0) and plausible_price(0.01)
