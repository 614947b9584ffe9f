"""Compare: rebased series over one common stretch of time, returns only where the closes
span the range, surprise streaks, and the screen's range and sort keys."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from bundled import bundled_summaries
from msgspec.structs import replace

from aiwatch.compare import compare_rows, range_return, rebased, surprise_streak
from aiwatch.model import Origin, PriceHistory, Provenance
from aiwatch.summary import TickerSummary

TICKERS = ("BABA", "AMZN", "MSFT", "GOOGL")
ORIGIN = Origin(Provenance.SNAPSHOT, None)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def summaries() -> dict[str, TickerSummary]:
    return bundled_summaries()


def history(closes: list[float], start: date = date(2026, 1, 1)) -> PriceHistory:
    return PriceHistory("X", tuple(start + timedelta(days=i) for i in range(len(closes))),
                        tuple(closes), ORIGIN)


def test_rebased_starts_at_100_on_the_close_the_range_starts_from() -> None:
    series = rebased(history([50.0, 80.0, 40.0, 60.0]), days=2)  # from 01-02 to 01-04
    assert series.values == (100.0, 50.0, 75.0) and series.change == -25.0
    assert rebased(history([50.0, 80.0, 40.0, 60.0]), days=30).values[0] == 100.0  # 50


def test_a_return_needs_closes_across_the_whole_range() -> None:
    year = history([100.0 + i for i in range(400)])  # 2026-01-01 .. 2027-02-04
    end = year.dates[-1]
    assert range_return(year, 30, end) == pytest.approx((499 / 469 - 1) * 100)
    assert range_return(year, 1826, end) is None  # 5Y of a 400-day history
    assert range_return(year, 30, end + timedelta(days=60)) is None  # prices stop early


def test_rows_share_one_end_and_say_n_a_for_stale_prices(
        summaries: dict[str, TickerSummary]) -> None:
    rows = {r.ticker: r for r in compare_rows(TICKERS, summaries)}
    # BABA's bundled prices stop on 2026-02-11, the others' on 2026-10-06: no BABA return
    assert set(rows["BABA"].returns.values()) == {None}
    amzn = summaries["AMZN"].view.history
    start = [c for d, c in zip(amzn.dates, amzn.closes, strict=True)
             if d <= date(2026, 9, 6)][-1]  # the close a month before 2026-10-06
    assert rows["AMZN"].returns["1M"] == pytest.approx((256.29 / start - 1) * 100)
    assert rows["AMZN"].returns["5Y"] is None
    assert (rows["GOOGL"].cloud_yoy, rows["GOOGL"].share, rows["GOOGL"].share_change) == (
        63.0, 14.0, 2.0)
    assert (rows["BABA"].checks_passing, rows["BABA"].checks_total) == (3, 4)


def test_surprise_streaks_worked_by_hand(summaries: dict[str, TickerSummary]) -> None:
    # MSFT beat all 8 quarters in data; AMZN 2026Q1 beat, 2025Q4 1.95 vs 1.96 missed
    assert surprise_streak(summaries["MSFT"]) == 8
    assert surprise_streak(summaries["AMZN"]) == 1
    # BABA: 2026Q1/2025Q4 not reported in data; 2025Q3 0.61 vs 0.81 missed, 2025Q2 beat
    assert surprise_streak(summaries["BABA"]) == -1
    fundamentals = summaries["MSFT"].view.fundamentals
    no_estimates = tuple(replace(q, eps_estimate=None) for q in fundamentals.quarters)
    view = replace(summaries["MSFT"].view, fundamentals=replace(fundamentals,
                                                                quarters=no_estimates))
    assert surprise_streak(replace(summaries["MSFT"], view=view)) == 0


async def test_t_changes_the_range_and_s_the_sort(make_test_app) -> None:
    from aiwatch.screens.compare import CompareChart, CompareScreen

    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(CompareScreen(app.tickers))
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#compare-table")
        first = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        assert first == ["GOOGL", "AMZN", "MSFT", "BABA"]  # 1Y: +41.8 / +15.6 / +1.8 / n/a
        await pilot.press("t")
        await pilot.pause()
        assert str(screen.query_one(CompareChart).border_title) == "Rebased to 100 · 5Y"
        await pilot.press("s", "s")  # 1Y → 5Y (all n/a: list order) → cloud
        await pilot.pause()
        assert screen.sort_key == "cloud"
        assert [table.get_row_at(i)[0].plain for i in range(4)] == [
            "GOOGL", "MSFT", "BABA", "AMZN"]  # 63 / 40 / 38 / 28 %
        await pilot.click("#compare-table", offset=(9, 0))  # the 1M header
        await pilot.pause()
        assert screen.sort_key == "1M"
        assert [table.get_row_at(i)[0].plain for i in range(4)] == [
            "MSFT", "GOOGL", "AMZN", "BABA"]
