"""YahooSource on real Yahoo answers (tests/fixtures/captures), through yfinance and curl_cffi.

The generated fixtures hold what data/ holds; these hold what Yahoo really sends: unrounded
estimates, `epsActual: {}`, an ETF without fundamentals, an adjclose that is not the close.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from capture_yahoo import CAPTURES, CaptureYahoo
from conftest import YFINANCE_WARNS, reset_yfinance, summary_answer

from aiwatch.model import EarningsQuarter, Provenance
from aiwatch.sources.yahoo import PriceData, YahooError, YahooSource
from aiwatch.sources.yahoo_map import (
    chart_closes,
    earnings_quarters,
    eps_history,
    income_rows,
    next_earnings,
    number,
)

APRIL_2025 = datetime(2025, 4, 1, 15, tzinfo=UTC)  # after the 2024 reports, before 2025Q1's
NOVEMBER_2025 = datetime(2025, 11, 27, 15, tzinfo=UTC)  # the day after the AAPL chart's last bar


@pytest.fixture
def capture_yahoo() -> Iterator[CaptureYahoo]:
    reset_yfinance()
    session = CaptureYahoo()
    yield session
    session.close()
    reset_yfinance()


def source(tmp_path: Path, session: CaptureYahoo, now: datetime) -> YahooSource:
    return YahooSource(tmp_path / "yfinance", session=session, clock=lambda: now)


def chart(name: str) -> dict[str, Any]:
    return json.loads((CAPTURES / name).read_text())["chart"]["result"][0]


def bars(name: str) -> dict[date, tuple[float, float]]:
    """(close, adjclose) per market day of a chart capture."""
    result = chart(name)
    zone = result["meta"]["exchangeTimezoneName"]
    days = [datetime.fromtimestamp(t, ZoneInfo(zone)).date() for t in result["timestamp"]]
    closes = result["indicators"]["quote"][0]["close"]
    adjusted = result["indicators"]["adjclose"][0]["adjclose"]
    return dict(zip(days, zip(closes, adjusted, strict=True), strict=True))


def by_end(quarters: tuple[EarningsQuarter, ...]) -> dict[date, EarningsQuarter]:
    return {q.quarter_end: q for q in quarters}


# --- earnings -------------------------------------------------------------------------------

def test_amzn_earnings_history_gives_each_quarters_estimate_and_result(
        tmp_path: Path, capture_yahoo: CaptureYahoo) -> None:
    got = source(tmp_path, capture_yahoo, APRIL_2025).fetch_fundamentals("AMZN")

    quarters = by_end(got.quarters)
    assert {end: (q.eps_estimate, q.eps_reported) for end, q in quarters.items()
            if q.eps_reported is not None} == {
        date(2024, 3, 31): (0.83227, 0.98),  # unrounded estimates, as Yahoo sends them
        date(2024, 6, 30): (1.02503, 1.26),
        date(2024, 9, 30): (1.14242, 1.43),
        date(2024, 12, 31): (1.48369, 1.86),
    }
    q4_2023 = quarters[date(2023, 12, 31)]  # from the quarterly timeseries
    assert (q4_2023.revenue, q4_2023.net_income) == (169_961e6, 10_624e6)
    assert q4_2023.eps_reported is None  # the earnings history does not reach back to it
    assert [q.quarter_end for q in got.quarters] == sorted(quarters, reverse=True)
    assert got.origin.kind is Provenance.LIVE
    # calendarEvents gives two dates while the date is an estimate: today the first is kept
    assert got.next_earnings is not None
    assert (got.next_earnings.report_date, got.next_earnings.confirmed) == (
        date(2025, 4, 28), False)


def test_aapl_estimates_keep_every_digit(tmp_path: Path, capture_yahoo: CaptureYahoo) -> None:
    got = source(tmp_path, capture_yahoo, NOVEMBER_2025).fetch_fundamentals("AAPL")

    latest = got.quarters[0]
    assert (latest.quarter_end, latest.eps_estimate, latest.eps_reported) == (
        date(2025, 9, 30), 1.76993, 1.85)
    assert len(got.quarters) == 4  # no timeseries captured: the earnings history alone


def test_an_empty_eps_actual_is_a_quarter_with_an_estimate_and_no_result(
        tmp_path: Path, capture_yahoo: CaptureYahoo) -> None:
    got = source(tmp_path, capture_yahoo, APRIL_2025).fetch_fundamentals("EREGL.IS")

    quarters = by_end(got.quarters)
    pending = quarters[date(2024, 12, 31)]  # `"epsActual": {}` in the capture
    assert (pending.eps_estimate, pending.eps_reported) == (0.132, None)
    assert (quarters[date(2024, 9, 30)].eps_estimate,
            quarters[date(2024, 9, 30)].eps_reported) == (0.33, 0.114)
    assert len(quarters) == 4


# Not captured: QQQ's earningsHistory and calendarEvents. Yahoo's shape (as in the AMZN
# captures) with no rows, so that only the captured empty timeseries decides.
NO_EARNINGS = b'{"quoteSummary":{"result":[{"earningsHistory":{"history":[],"maxAge":86400}}],' \
    b'"error":null}}'
NO_CALENDAR = b'{"quoteSummary":{"result":[{"calendarEvents":{"maxAge":1,"earnings":' \
    b'{"earningsDate":[],"earningsCallDate":[]}}}],"error":null}}'


def test_an_etf_without_fundamentals_is_no_earnings_data_not_a_crash(
        tmp_path: Path, capture_yahoo: CaptureYahoo) -> None:
    timeseries = json.loads((CAPTURES / "timeseries_quarterly_QQQ.json").read_text())
    assert all(set(entry) == {"meta"} for entry in timeseries["timeseries"]["result"])
    capture_yahoo.bodies = {"quoteSummary_earningsHistory_QQQ.json": NO_EARNINGS,
                            "quoteSummary_calendarEvents_QQQ.json": NO_CALENDAR}

    with pytest.raises(YahooError) as caught:
        source(tmp_path, capture_yahoo, APRIL_2025).fetch_fundamentals("QQQ")

    assert caught.value.kind == "empty"
    assert str(caught.value) == "no earnings data from Yahoo for QQQ"
    assert capture_yahoo.count("/finance/timeseries/QQQ") >= 1  # the capture was asked for


# --- prices ---------------------------------------------------------------------------------

def prices(tmp_path: Path, session: CaptureYahoo, symbol: str) -> PriceData:
    result = source(tmp_path, session, NOVEMBER_2025).fetch_prices([symbol])[symbol]
    assert isinstance(result, PriceData), result
    return result


def test_history_holds_the_raw_close_not_the_dividend_adjusted_one(
        tmp_path: Path, capture_yahoo: CaptureYahoo) -> None:
    got = prices(tmp_path, capture_yahoo, "AAPL")
    history = dict(zip(got.history.dates, got.history.closes, strict=True))

    assert history[date(2024, 11, 27)] == 234.92999267578125  # the capture's close
    assert bars("chart_AAPL_1y.json")[date(2024, 11, 27)] == (
        234.92999267578125, 233.8722381591797)  # its adjclose is lower: a dividend followed
    assert history == {day: close for day, (close, _) in bars("chart_AAPL_1y.json").items()}
    adjusted = [day for day, (close, adj) in bars("chart_AAPL_1y.json").items() if close != adj]
    assert len(adjusted) == 237  # so auto_adjust=True would change 237 of the 250 closes
    assert len(history) == 250


def test_the_aapl_quote_comes_from_the_chart_meta(
        tmp_path: Path, capture_yahoo: CaptureYahoo) -> None:
    quote = prices(tmp_path, capture_yahoo, "AAPL").quote

    assert quote is not None
    assert (quote.price, quote.currency) == (277.55, "USD")
    assert quote.as_of == datetime(2025, 11, 26, 21, 0, 2, tzinfo=UTC)
    assert quote.previous_close == 276.9700012207031  # the close of 2025-11-25


def test_a_chart_with_dividend_events_parses(tmp_path: Path,
                                             capture_yahoo: CaptureYahoo) -> None:
    got = prices(tmp_path, capture_yahoo, "MSFT")
    captured = bars("chart_MSFT_2021-02_to_2022-01_dividends.json")
    history = dict(zip(got.history.dates, got.history.closes, strict=True))

    assert len(chart("chart_MSFT_2021-02_to_2022-01_dividends.json")["events"]["dividends"]) == 4
    assert (got.history.dates[0], got.history.dates[-1]) == (date(2021, 2, 1), date(2022, 1, 28))
    assert len(history) == 252
    assert history[date(2021, 2, 17)] == 244.1999969482422  # ex-dividend day: the raw close
    assert captured[date(2021, 2, 17)][1] != 244.1999969482422
    assert history == {day: close for day, (close, _) in captured.items()}
    # the capture's quote is from 2025-02-21, three years after its last bar: no day change
    assert got.quote is not None and got.quote.price == 408.21
    assert got.quote.previous_close is None


def test_eps_without_an_income_statement_keeps_yahoos_currency(
        tmp_path: Path, capture_yahoo: CaptureYahoo) -> None:
    """EREGL.IS: Turkish lira in the earnings history, no timeseries: nothing says USD."""
    try:
        fundamentals = source(tmp_path, capture_yahoo, APRIL_2025).fetch_fundamentals("EREGL.IS")
    except YahooError:
        pytest.skip("no quarters from this capture")
    currencies = {(q.eps_currency, q.currency) for q in fundamentals.quarters}
    assert currencies == {("TRY", "TRY")}


# --- Alibaba's EPS is in RMB ----------------------------------------------------------------

def test_baba_eps_keeps_the_currency_yahoo_states(tmp_path: Path,
                                                   capture_yahoo: CaptureYahoo) -> None:
    fundamentals = source(tmp_path, capture_yahoo, APRIL_2025).fetch_fundamentals("BABA")
    q4 = by_end(fundamentals.quarters)[date(2024, 12, 31)]
    assert (q4.eps_reported, q4.eps_estimate) == (21.39, 19.37573)
    assert q4.eps_currency == "CNY"  # per ADS, in RMB: not the snapshot's USD
    assert q4.eps_basis == "as Yahoo reports it"
    assert q4.currency == "CNY"  # the income statement's amounts


def test_baba_next_report_is_yahoos_two_date_window(tmp_path: Path,
                                                    capture_yahoo: CaptureYahoo) -> None:
    upcoming = source(tmp_path, capture_yahoo, APRIL_2025).fetch_fundamentals("BABA")
    assert upcoming.next_earnings is not None
    window = upcoming.next_earnings
    # earningsDate [1747053000, 1747398600], isEarningsDateEstimate: true
    assert (window.report_date, window.latest, window.confirmed) == (
        date(2025, 5, 12), date(2025, 5, 16), False)


async def test_baba_detail_labels_each_rows_eps_currency(make_test_app,
                                                         capture_yahoo: CaptureYahoo) -> None:
    """Yahoo's RMB quarters beside the snapshot's USD ones: each row says its own currency and
    basis, and the surprise is RMB against RMB."""
    from aiwatch.screens.detail import DetailScreen
    from aiwatch.widgets.earnings_table import EarningsTable, legend

    app = make_test_app(session=capture_yahoo, clock=lambda: APRIL_2025)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = app.summaries["BABA"]
        quarters = by_end(summary.view.fundamentals.quarters)
        assert quarters[date(2024, 12, 31)].eps_currency == "CNY"
        assert quarters[date(2025, 3, 31)].eps_currency == "USD"  # the snapshot's, US$1.73
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        table = app.screen.query_one(EarningsTable)
        rows = {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)]
                for i in range(table.row_count)}
        assert rows["2024Q4"][3:7] == ["19.38", "21.39", "2 CNY", "+10.4%"]
        assert rows["2025Q3"][3:7] == ["0.81", "0.61", "1 USD", "−24.7%"]
        text = str(legend(summary))
        assert "EPS basis 1: adjusted (non-GAAP) diluted per ADS (USD)" in text
        assert "EPS basis 2: as Yahoo reports it, CNY" in text


# --- the mapping reads what yfinance read -----------------------------------------------------
# The source no longer lets yfinance build frames: it reads Yahoo's JSON itself. On the same
# real bodies, what it reads must be what yfinance's frames held.

def _yfinance(tmp_path: Path) -> Any:
    import yfinance

    yfinance.set_tz_cache_location(str(tmp_path / "yfinance"))
    return yfinance


def _summary(symbol: str, *modules: str) -> dict[str, Any]:
    names = [CAPTURES / f"quoteSummary_{module}_{symbol}.json" for module in modules]
    return json.loads(summary_answer([n.read_bytes() for n in names if n.is_file()]))


@YFINANCE_WARNS
@pytest.mark.parametrize("symbol", ["AAPL", "AMZN", "BABA", "EREGL.IS"])
def test_eps_in_a_combined_summary_is_what_yfinance_reads(
        symbol: str, tmp_path: Path, capture_yahoo: CaptureYahoo) -> None:
    frame = _yfinance(tmp_path).Ticker(symbol, session=capture_yahoo).get_earnings_history()
    theirs = {q.date(): (number(row.get("epsEstimate")), number(row.get("epsActual")))
              for q, row in frame.iterrows()}

    ours = eps_history(_summary(symbol, "earningsHistory", "calendarEvents"))

    assert {day: (estimate, reported) for day, (estimate, reported, _) in ours.items()} == theirs
    assert len(theirs) == 4


@pytest.mark.parametrize("symbol", ["AMZN", "BABA"])
def test_revenue_and_net_income_are_what_yfinance_reads(
        symbol: str, tmp_path: Path, capture_yahoo: CaptureYahoo) -> None:
    frame = _yfinance(tmp_path).Ticker(symbol, session=capture_yahoo).get_income_stmt(
        freq="quarterly")
    theirs = {column.date(): (number(frame.loc["TotalRevenue", column]),
                              number(frame.loc["NetIncome", column])) for column in frame.columns}
    answer = json.loads((CAPTURES / f"timeseries_quarterly_{symbol}.json").read_text())

    ours = income_rows(answer)

    assert ours == {day: pair for day, pair in theirs.items() if pair != (None, None)}
    assert ours[date(2023, 12, 31)][0] == {"AMZN": 169_961e6, "BABA": 260_348e6}[symbol]


def test_a_combined_summary_maps_to_babas_quarters_and_next_report() -> None:
    """Both modules in one answer, as one quoteSummary request now gets them."""
    summary = _summary("BABA", "earningsHistory", "calendarEvents")
    income = json.loads((CAPTURES / "timeseries_quarterly_BABA.json").read_text())

    quarters = by_end(earnings_quarters("BABA", summary, income, []))
    upcoming = next_earnings("BABA", summary, date(2025, 4, 1))

    assert {end: (q.eps_estimate, q.eps_reported, q.eps_currency)
            for end, q in quarters.items() if q.eps_reported is not None} == {
        date(2024, 3, 31): (10.23547, 10.14, "CNY"), date(2024, 6, 30): (14.94145, 16.44, "CNY"),
        date(2024, 9, 30): (14.77243, 15.06, "CNY"), date(2024, 12, 31): (19.37573, 21.39, "CNY")}
    assert (quarters[date(2023, 9, 30)].revenue, quarters[date(2023, 9, 30)].net_income,
            quarters[date(2023, 9, 30)].currency) == (224_790e6, 27_847e6, "CNY")
    assert upcoming is not None
    assert (upcoming.report_date, upcoming.latest) == (date(2025, 5, 12), date(2025, 5, 16))


@YFINANCE_WARNS
@pytest.mark.parametrize("name", ["chart_AAPL_1y.json",
                                  "chart_MSFT_2021-02_to_2022-01_dividends.json"])
def test_closes_in_a_real_chart_are_what_yfinance_reads(
        name: str, tmp_path: Path, capture_yahoo: CaptureYahoo) -> None:
    symbol = name.split("_")[1]
    frame = _yfinance(tmp_path).Ticker(symbol, session=capture_yahoo).history(
        period="1y", interval="1d", auto_adjust=False, actions=False)
    theirs = {stamp.date(): float(close) for stamp, close in frame["Close"].dropna().items()}

    dates, closes, dropped = chart_closes(json.loads((CAPTURES / name).read_text()))

    assert dict(zip(dates, closes, strict=True)) == theirs and dropped == 0
    assert len(theirs) > 200
