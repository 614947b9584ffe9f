"""The detail screen's keys: ←/→ step through the list, paging works whatever has the focus,
the chart offers 5Y only when the history reaches back that far and marks earnings reports."""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta

from aiwatch.widgets.price_chart import PriceChart, offered_ranges


async def test_left_and_right_step_through_the_list_and_back_selects_the_last(
        make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("enter", "right", "right")  # BABA → AMZN → MSFT, in one burst
        await pilot.pause()
        assert app.screen.ticker == "MSFT"
        assert str(app.screen.query_one("#detail-head").render()).startswith("MSFT · Microsoft")
        await pilot.press("left", "left", "left")  # wraps: MSFT → AMZN → BABA → GOOGL
        await pilot.pause()
        assert app.screen.ticker == "GOOGL"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "WatchlistScreen"
        assert app.screen.selected_ticker == "GOOGL"
        assert app.screen.focused is app.screen.card_for("GOOGL")


async def test_paging_scrolls_the_screen_while_the_table_has_the_focus(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        body = app.screen.query_one("#detail-body")
        assert app.screen.focused.id == "earnings" and body.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y > 0
        await pilot.press("home")
        await pilot.pause()
        assert body.scroll_y == 0


def test_5y_is_offered_only_beyond_a_year_of_history() -> None:
    year = [date(2025, 2, 12) + timedelta(days=i) for i in range(365)]
    assert offered_ranges(year) == [30, 91, 182, 365]
    longer = [date(2021, 2, 12), *year]
    assert offered_ranges(longer) == [30, 91, 182, 365, 1826]
    assert offered_ranges([]) == [30, 91, 182, 365]


async def test_t_cycles_the_ranges_the_history_allows(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("enter")
        seen = []
        for _ in range(5):
            await pilot.press("t")
            await pilot.pause()
            seen.append(str(app.screen.query_one(PriceChart).border_title))
        # the bundled history is one year: no 5Y
        assert seen == ["Price · 1M", "Price · 3M", "Price · 6M", "Price · 1Y", "Price · 1M"]


async def test_the_chart_marks_each_report_date_in_range(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("right", "enter")  # AMZN
        await pilot.pause()
        chart = app.screen.query_one(PriceChart)
        history = app.summaries["AMZN"].view.history
        shown = [d for d in history.dates if d > history.dates[-1] - timedelta(days=365)]
        reports = [q.report_date for q in app.summaries["AMZN"].view.fundamentals.quarters
                   if q.report_date and shown[0] <= q.report_date <= shown[-1]]
        assert len(reports) == 3  # 2025-10-30, 2026-02-05, 2026-04-29 (2026Q2 is not in data)
        # one line per report, on the first trading day from it
        assert chart.plt.monitor.vcoord[0] == [float(bisect_left(shown, r)) for r in reports]
        assert "earnings report" in str(chart.border_subtitle)
