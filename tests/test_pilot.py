"""Driving the app with keys: focus, detail, help, quit; notes seeded on first launch."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from aiwatch.checks import METRICS
from aiwatch.screens.detail import DetailScreen
from aiwatch.screens.help import HelpScreen
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.widgets.earnings_table import EarningsTable
from aiwatch.widgets.ticker_card import TickerCard


def help_metrics(screen: HelpScreen) -> list[str]:
    """The metric names the help screen lists, read off its rendered text."""
    # in #help-metrics: the metrics, the marks, then the paths
    section = screen.query_one("#help-metrics").query(".help-section")[0]
    lines = [line.text for line in section.render_lines(section.region.reset_offset)]
    assert lines[0].startswith("Thesis checks")
    names = [line.split()[0] for line in lines[1:] if line[:1].strip()]  # not a wrapped line
    return names[:names.index("operators")]


def focused_ticker(app) -> str:  # noqa: ANN001
    focused = app.focused
    assert isinstance(focused, TickerCard)
    return focused.ticker


async def test_first_launch_shows_four_cards_from_the_snapshot(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WatchlistScreen)
        cards = list(app.screen.query(TickerCard))
        assert [c.ticker for c in cards] == ["BABA", "AMZN", "MSFT", "GOOGL"]
        baba = app.summaries["BABA"]
        assert baba.figures.quote is not None and baba.figures.quote.price == 164.32
        assert cards[0].border_subtitle == "snapshot · 2026-02-11"
        assert cards[1].border_subtitle == "snapshot · 2026-10-06"
        assert "earnings to 2026-05-13" in app.status


async def test_first_launch_seeds_notes(make_test_app, tmp_home: Path) -> None:
    app = make_test_app()
    async with app.run_test() as pilot:
        await pilot.pause()
    notes = tmp_home / "data" / "aiwatch" / "notes"
    assert sorted(p.name for p in notes.iterdir()) == [
        "AMZN.md", "BABA.md", "GOOGL.md", "MSFT.md"]
    assert "RMB 380bn" in (notes / "BABA.md").read_text()


async def test_an_edited_note_is_kept_and_shown(make_test_app, tmp_home: Path) -> None:
    notes = tmp_home / "data" / "aiwatch" / "notes"
    notes.mkdir(parents=True)
    (notes / "BABA.md").write_text("Mine. [bold red]not markup[/]\ncheck: price > 1000\n")
    app = make_test_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        summary = app.summaries["BABA"]
        assert summary.thesis_lines == ("Mine. [bold red]not markup[/]",)
        assert [r.passed for r in summary.checks] == [False]
    assert (notes / "BABA.md").read_text().startswith("Mine.")


async def test_focus_moves_and_wraps(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert focused_ticker(app) == "BABA"
        await pilot.press("right")
        assert focused_ticker(app) == "AMZN"
        await pilot.press("l", "l")
        assert focused_ticker(app) == "GOOGL"
        await pilot.press("l")
        assert focused_ticker(app) == "BABA"  # wraps to the first
        await pilot.press("h")
        assert focused_ticker(app) == "GOOGL"  # and back to the last
        await pilot.press("left")
        assert focused_ticker(app) == "MSFT"
        await pilot.press("2")
        assert focused_ticker(app) == "AMZN"
        await pilot.press("9")  # no ninth card: stays
        assert focused_ticker(app) == "AMZN"


async def test_up_down_move_by_rows_in_the_2x2_grid(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-medium")
        await pilot.press("down")
        assert focused_ticker(app) == "MSFT"
        await pilot.press("l", "up")
        assert focused_ticker(app) == "AMZN"
        await pilot.press("k")  # top row: stays
        assert focused_ticker(app) == "AMZN"


async def test_layout_modes_follow_the_width(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-wide")
        cards = list(app.screen.query(TickerCard))
        assert len({c.region.y for c in cards}) == 1  # one row
        await pilot.resize_terminal(70, 30)
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        cards = list(app.screen.query(TickerCard))
        assert len({c.region.x for c in cards}) == 1  # one column


async def test_enter_opens_detail_and_escape_returns(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("l", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.ticker == "AMZN"
        table = app.screen.query_one(EarningsTable)
        assert table.row_count == 8
        cells = [str(cell) for cell in table.get_row_at(0)]
        assert cells[:7] == ["2026Q1", "FQ1 FY26", "2026-04-29", "1.65", "2.78", "1 USD",
                             "+68.5%"]
        assert cells[8] == "+16.6%"  # revenue YoY as stated
        assert cells[10].endswith("%*")  # net income YoY: computed, the source states none
        assert cells[11:13] == ["$37.6bn", "+28.0%"]  # AWS
        legend = str(app.screen.query_one("#earnings-legend", Static).render())
        assert "EPS basis 1: GAAP diluted, USD" in legend
        notes = str(app.screen.query_one("#quarter-notes", Static).render())
        assert "Anthropic gains" in notes  # the source's own note on the highlighted quarter
        await pilot.press("down")
        await pilot.pause()
        notes = str(app.screen.query_one("#quarter-notes", Static).render())
        assert notes.startswith("2025Q4") and "Anthropic" not in notes
        await pilot.press("t")
        assert app.screen.range_days == 30
        await pilot.press("escape")
        assert isinstance(app.screen, WatchlistScreen)
        assert focused_ticker(app) == "AMZN"


async def test_help_opens_and_closes(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert help_metrics(app.screen) == list(METRICS)
        await pilot.press("escape")
        assert isinstance(app.screen, WatchlistScreen)


async def test_q_quits(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


@pytest.mark.probe(57)
async def test_tiny_terminal_does_not_crash(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.press("l", "l", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)


async def test_command_palette_opens_a_detail_screen(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"detail googl", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.ticker == "GOOGL"


@pytest.mark.probe(5)
async def test_unusable_data_and_cache_dirs_are_reported_not_fatal(
    make_test_app, tmp_home: Path, monkeypatch
) -> None:
    blocker = tmp_home / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert "cannot write" in app.status and "cache unavailable" in app.status
        assert "cannot read the notes of BABA, AMZN, MSFT, GOOGL: Not a directory" in app.status
        assert len(app._notifications) == 3
        assert app.summaries["BABA"].figures.quote.price == 164.32  # the data is all there


async def test_a_narrow_card_keeps_the_whole_eps_line(make_test_app) -> None:
    """At 120 columns a card is 25 wide: the EPS line drops words, never its currency or the
    surprise (it used to end '+68…')."""
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        card = app.screen.card_for("AMZN")
        lines = [strip.text for strip in card.render_lines(card.region.reset_offset)]
        assert any(line.startswith("│ EPS ") and line.endswith("2.78/1.65 USD +68.5% │")
                   for line in lines), lines
        assert any("⚠ not in data yet: 2026Q2" in line for line in lines), lines
