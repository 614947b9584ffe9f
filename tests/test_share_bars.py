"""Share bars: a fixed, labelled axis (never scaled to the leader), and their sources one key
away; `r` re-reads the user's own share and segment files."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from aiwatch.locations import user_data_files_dir
from aiwatch.screens.detail import DetailScreen
from aiwatch.screens.sources import SourcesScreen
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.sources.snapshot import load_snapshot
from aiwatch.widgets.earnings_table import EarningsTable
from aiwatch.widgets.share_bars import ShareBars, axis_labels, axis_scale, bar_cells

SYNERGY_Q1_URL = ("https://recatools.com/news/the-cloud-market-just-crossed-a-half-trillion-"
                  "dollar-run-rate-and-ai-is-why-its-still-accelerating/")


@pytest.mark.parametrize(("largest", "axis"), [
    (28, (40, 10)), (40, (40, 10)), (4, (10, 5)), (12, (20, 5)), (41, (60, 20)),
    (75, (80, 20)), (100, (100, 20)),
])
def test_the_axis_is_a_round_ceiling_above_the_largest_share(
    largest: float, axis: tuple[int, int]
) -> None:
    assert axis_scale(largest) == axis


def test_bars_are_proportional_to_the_share_against_the_axis() -> None:
    assert [bar_cells(s, 40, 80) for s in (28, 21, 14, 4, 0, 40)] == [56, 42, 28, 8, 0, 80]


def test_axis_labels_end_where_bars_of_that_share_end() -> None:
    line = axis_labels(40, 10, 41)
    assert len(line) == 41
    assert line.startswith("0%") and line.endswith("40%")
    for value in (10, 20, 30, 40):
        label = f"{value}%"
        assert line.index(label) + len(label) == bar_cells(value, 40, 41)


def test_crowded_axis_labels_thin_out_evenly_never_overlap() -> None:
    assert axis_labels(40, 10, 19).split() == ["0%", "20%", "40%"]
    assert axis_labels(40, 10, 8) == "0%   40%"
    assert axis_labels(40, 10, 5) == "0–40%"


class BarsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ShareBars()


async def test_the_leader_does_not_fill_the_bar() -> None:
    """AWS's 28% fills 28/40 of the bar, Google's 14% half of that, and the axis says so."""
    app = BarsApp()
    async with app.run_test(size=(100, 12)) as pilot:
        bars = app.query_one(ShareBars)
        bars.shares = load_snapshot().shares
        await pilot.pause()
        lines = [bars.render_line(y).text for y in range(bars.size.height)]
        [aws] = [line for line in lines if line.startswith("AWS ")]
        [google] = [line for line in lines if line.startswith("Google Cloud ")]
        width = aws.count("█") + aws.count("░")
        assert aws.count("█") == bar_cells(28, 40, width) < width
        assert google.count("█") == bar_cells(14, 40, width)
        [axis] = [line for line in lines if "0%" in line and "40%" in line]
        start = aws.index("█")
        assert axis[start:start + 2] == "0%"
        assert axis[start + width - 3:start + width] == "40%"
        twenty = bar_cells(20, 40, width)
        assert axis[start + twenty - 3:start + twenty] == "20%"



async def test_a_narrow_panel_shortens_the_changes_and_keeps_the_columns() -> None:
    """At 40 columns the bars keep 8 cells and the changes drop their "vs 2025Q1" when it
    does not fit, whole words never glued ("ppvs"); every share ends in the same column."""
    app = BarsApp()
    for width, wide in ((100, True), (40, False)):
        async with app.run_test(size=(width, 14)) as pilot:
            bars = app.query_one(ShareBars)
            bars.shares = load_snapshot().shares
            await pilot.pause()
            lines = [bars.render_line(y).text.rstrip() for y in range(bars.size.height)]
            shown_width = bars.size.width
        rows = [line for line in lines if "█" in line]
        assert [line.split("%")[1].strip() for line in rows] == (
            ["−1.0 pp vs 2025Q1", "−1.0 pp vs 2025Q1", "+2.0 pp vs 2025Q1",
             "2025Q2 n/a vs 2024Q2"] if wide else ["−1.0 pp", "−1.0 pp", "+2.0 pp", "2025Q2 n/a"])
        assert len({line.index("%") for line in rows}) == 1
        assert all(len(line) <= shown_width for line in lines)
        app = BarsApp()

async def test_m_opens_the_sources_with_full_urls_and_esc_closes(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
        listed = str(app.screen.query_one("#sources-list", Static).render())
        assert "Synergy Research Group · global · 2026Q1" in listed
        assert "cloud infrastructure services (IaaS, PaaS, hosted private cloud)" in listed
        assert "AWS 28% · Azure 21% · Google Cloud 14%" in listed
        assert SYNERGY_Q1_URL in listed
        assert "Omdia · china · 2025Q4" in listed  # the China figure under the bars
        await pilot.press("escape")
        assert isinstance(app.screen, WatchlistScreen)


async def test_the_palette_offers_the_sources(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        command = next(c for c in app.get_system_commands(app.screen)
                       if c.title == "Market share sources")
        command.callback()
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)


async def test_r_rereads_an_edited_market_share_file(make_test_app, tmp_home: Path) -> None:
    folder = user_data_files_dir()
    folder.mkdir(parents=True)
    user_file = folder / "market_share.csv"
    user_file.write_text("provider,region,period,share_pct,firm\n"
                         "AWS,global,2026-Q2,150,Synergy Research Group\n", encoding="utf-8")
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert "market_share.csv line 2: share 150 is outside 0–100" in app.status
        bars = app.screen.query_one(ShareBars)
        assert not any(s.period == "2026Q2" for s in bars.shares)
        user_file.write_text("provider,region,period,share_pct,firm,source_url\n"
                             "AWS,global,2026-Q2,27,Synergy Research Group,https://e.org/q2\n",
                             encoding="utf-8")
        await pilot.press("r")
        await pilot.pause()
        assert "market_share.csv" not in app.status  # the fixed problem is gone
        aws = [s for s in bars.shares if (s.provider, s.period) == ("AWS", "2026Q2")]
        assert [s.share_pct for s in aws] == [27]
        figures = app.summaries["AMZN"].figures
        assert figures.share is not None and figures.share.share_pct == 27
        await pilot.press("m")
        await pilot.pause()
        listed = str(app.screen.query_one("#sources-list", Static).render())
        assert "AWS 27%\nfrom your market_share.csv\nhttps://e.org/q2" in listed


@pytest.mark.parametrize(("line", "card", "cloud"), [
    ("GOOGL,Google Cloud,2024 Q4,11.96e9,usd,30", "4", ["$12.0bn", "+30.0%"]),
    ("MSFT,Azure,2024-12-31,,USD,31", "3", ["n/a", "+31.0%"]),
])
async def test_a_user_segment_row_reaches_the_earnings_table(
    make_test_app, tmp_home: Path, line: str, card: str, cloud: list[str]
) -> None:
    folder = user_data_files_dir()
    folder.mkdir(parents=True)
    (folder / "cloud_segments.csv").write_text(
        f"ticker,segment,quarter_end,revenue,currency,yoy_pct\n{line}\n", encoding="utf-8")
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press(card, "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        table = app.screen.query_one(EarningsTable)
        cells = [str(cell) for cell in table.get_row("2024-12-31")]
        assert cells[0] == "2024Q4"
        assert cells[11:13] == cloud  # after the Basis column
