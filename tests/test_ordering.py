"""Sorting the watchlist: by a figure, best first, symbols without it last in list order;
and the compact view's lines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from bundled import bundled_summaries
from msgspec.structs import replace
from textual.app import App, ComposeResult

from aiwatch.model import Origin, PriceHistory, Provenance
from aiwatch.ordering import CYCLE, month_return, next_order, ordered
from aiwatch.summary import TickerSummary
from aiwatch.widgets.compact_table import CompactTable, checks_cell, row_cells

ORIGIN = Origin(Provenance.SNAPSHOT, None)  # type: ignore[arg-type]


def history(closes: list[float], start: date = date(2026, 9, 1)) -> PriceHistory:
    dates = tuple(start + timedelta(days=i) for i in range(len(closes)))
    return PriceHistory("X", dates, tuple(closes), ORIGIN)


def test_month_return_is_from_the_close_30_days_before_the_last() -> None:
    closes = [100.0] * 10 + [110.0] + [120.0] * 29 + [132.0]  # 41 days: day 10 is 30 before
    assert month_return(history(closes)) == pytest.approx((132 / 110 - 1) * 100)  # +20.0%
    assert month_return(history([100.0, 101.0])) is None  # not a month of history
    assert month_return(None) is None


@pytest.fixture(scope="module")
def summaries() -> dict[str, TickerSummary]:
    return bundled_summaries()


TICKERS = ("BABA", "AMZN", "MSFT", "GOOGL")


def test_orders_by_each_figure_highest_first(summaries: dict[str, TickerSummary]) -> None:
    # bundled data: day −1.32 / +1.95 / +0.78 / +0.35 %; cloud YoY 38 / 28 / 40 / 63 %
    assert ordered(TICKERS, summaries, "day") == ("AMZN", "MSFT", "GOOGL", "BABA")
    assert ordered(TICKERS, summaries, "cloud") == ("GOOGL", "MSFT", "BABA", "AMZN")
    assert ordered(TICKERS, summaries, "symbol") == ("AMZN", "BABA", "GOOGL", "MSFT")
    assert ordered(TICKERS, summaries, "list") == TICKERS
    # BABA's EPS surprise is n/a: last, whatever the others
    assert ordered(TICKERS, summaries, "surprise") == ("GOOGL", "AMZN", "MSFT", "BABA")


def test_missing_figures_and_symbols_go_last_in_list_order(
        summaries: dict[str, TickerSummary]) -> None:
    no_quote = {**summaries, "AMZN": replace(summaries["AMZN"], figures=replace(
        summaries["AMZN"].figures, change=None))}
    assert ordered(("ZZZ", *TICKERS), no_quote, "day") == ("MSFT", "GOOGL", "BABA", "ZZZ",
                                                          "AMZN")


def test_failing_checks_come_first(summaries: dict[str, TickerSummary]) -> None:
    msft = summaries["MSFT"]
    failing = replace(msft, checks=tuple(replace(r, passed=False) for r in msft.checks))
    assert ordered(TICKERS, {**summaries, "MSFT": failing}, "checks")[0] == "MSFT"
    assert ordered(TICKERS, summaries, "checks") == TICKERS  # none failing: list order


def test_s_cycles_the_five_orders() -> None:
    seen = ["list"]
    for _ in range(5):
        seen.append(next_order(seen[-1]))
    assert seen == ["list", "day", "month", "cloud", "checks", "list"]
    assert next_order("surprise") == CYCLE[1]


def test_a_compact_line_holds_the_cards_figures(summaries: dict[str, TickerSummary]) -> None:
    cells = [cell.plain for cell in row_cells(summaries["AMZN"])]
    assert cells[:3] == ["AMZN", "256.29 USD", "+1.95%"]
    assert cells[5:] == ["+28.0%", "+68.5%", "✔3"]
    msft = summaries["MSFT"]
    mixed = replace(msft, checks=(replace(msft.checks[0], passed=False), *msft.checks[1:]))
    assert checks_cell(mixed).plain == f"✔{len(msft.checks) - 1} ✘1"


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield CompactTable()

    def on_compact_table_order_chosen(self, message: CompactTable.OrderChosen) -> None:
        self.chosen.append(message.order)


async def test_the_cursor_stays_on_its_symbol_and_a_header_click_asks_for_its_order(
        summaries: dict[str, TickerSummary]) -> None:
    host = Host()
    async with host.run_test(size=(80, 24)) as pilot:
        table = host.query_one(CompactTable)
        table.show(TICKERS, summaries)
        table.select("MSFT")
        table.show(ordered(TICKERS, summaries, "cloud"), summaries, "cloud")
        await pilot.pause()
        assert table.current_ticker == "MSFT" and table.cursor_row == 1
        assert str(table.columns["cloud"].label) == "Cloud ▼"  # type: ignore[index]
        await pilot.click(CompactTable, offset=(3, 0))  # the Symbol header
        await pilot.pause()
        assert host.chosen == ["symbol"]


async def test_a_cell_that_grows_widens_its_column_and_is_not_cut(
        summaries: dict[str, TickerSummary]) -> None:
    """Offline, "⚠" joins every symbol after the rows were built: the longest symbol's mark
    used to be cut at the column's first width ("9988.HK" showed, "9988.HK ⚠" did not)."""
    host = Host()
    tickers = ("AMZN", "GOOGL", "MSFT")
    async with host.run_test(size=(80, 24)) as pilot:
        table = host.query_one(CompactTable)
        table.show(tickers, summaries)
        await pilot.pause()  # the rows laid out: their columns as wide as their cells
        failed = {t: replace(summaries[t], view=replace(summaries[t].view, error="no network"))
                  for t in tickers}
        table.show(tickers, failed)
        await pilot.pause()
        lines = [table.render_line(y).text for y in range(1, 4)]
    assert [line.split()[:2] for line in lines] == [[t, "⚠"] for t in tickers]
