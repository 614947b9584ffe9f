"""Editing notes in the app: save, discard, keep editing, conflicts, dated entries, $EDITOR."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import TextArea

from aiwatch.screens.detail import DetailScreen
from aiwatch.screens.notes import ConfirmLeave, NotesScreen
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.store.notes import editor_command


def notes_dir(home: Path) -> Path:
    return home / "data" / "aiwatch" / "notes"


async def open_editor(app, pilot) -> NotesScreen:  # noqa: ANN001
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, NotesScreen)
    return app.screen


def editor_text(screen: NotesScreen) -> str:
    return screen.text


async def test_n_opens_the_focused_note_and_ctrl_s_saves(make_test_app, tmp_home: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("l")  # AMZN
        screen = await open_editor(app, pilot)
        assert screen.note.ticker == "AMZN"
        screen.query_one("#editor").text = "# AMZN\ncheck: cloud_yoy > 50\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.modified
        assert (notes_dir(tmp_home) / "AMZN.md").read_text() == "# AMZN\ncheck: cloud_yoy > 50\n"
        # the card's checks follow the saved note at once
        [result] = app.summaries["AMZN"].checks
        assert (result.actual, result.passed) == (28.0, False)
        await pilot.press("escape")
        assert isinstance(app.screen, WatchlistScreen)


async def test_escape_with_changes_asks_and_discard_keeps_the_file(
    make_test_app, tmp_home: Path
) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(app, pilot)
        before = (notes_dir(tmp_home) / "BABA.md").read_text()
        await pilot.press("x", "y", "z")
        assert screen.modified
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeave)
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen is screen and screen.modified
        await pilot.press("escape", "d")  # discard
        await pilot.pause()
        assert isinstance(app.screen, WatchlistScreen)
        assert (notes_dir(tmp_home) / "BABA.md").read_text() == before


async def test_escape_then_save_writes_and_closes(make_test_app, tmp_home: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_editor(app, pilot)
        await pilot.press("ctrl+home", "Q", "escape", "s")
        await pilot.pause()
        assert isinstance(app.screen, WatchlistScreen)
        assert (notes_dir(tmp_home) / "BABA.md").read_text().startswith("Q# BABA")


async def test_outside_change_while_editing_keeps_both(make_test_app, tmp_home: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(app, pilot)
        path = notes_dir(tmp_home) / "BABA.md"
        path.write_text("written by another program\n")
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5 * 10**9))
        screen.query_one("#editor").text = "written in aiwatch\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert path.read_text() == "written in aiwatch\n"
        [conflict] = notes_dir(tmp_home).glob("BABA.conflict-*.md")
        assert conflict.read_text() == "written by another program\n"
        assert any(str(conflict) in n.message for n in app._notifications)


async def test_ctrl_d_inserts_todays_date_heading(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(app, pilot)
        area = screen.query_one("#editor")
        area.move_cursor(area.document.end)
        await pilot.press("ctrl+d")
        await pilot.press(*"Cloud grew 38%.")
        assert screen.text.endswith("\n## 2026-11-25\n\nCloud grew 38%.")


@pytest.mark.skipif(os.geteuid() == 0,
                    reason="root writes through directory permissions: no failure to observe")
async def test_save_failure_is_reported_and_nothing_is_lost(make_test_app, tmp_home: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(app, pilot)
        screen.query_one("#editor").text = "precious"
        folder = notes_dir(tmp_home)
        folder.chmod(0o500)
        try:
            await pilot.press("ctrl+s")
            await pilot.pause()
        finally:
            folder.chmod(0o700)
        assert screen.modified and screen.text == "precious"
        assert any("cannot write" in n.message for n in app._notifications)


async def test_e_without_an_editor_says_so(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert any("Set $EDITOR" in n.message for n in app._notifications)
        assert isinstance(app.screen, WatchlistScreen)


@pytest.mark.probe(43)
async def test_hostile_markup_in_a_note_renders_literally(make_test_app, tmp_home: Path) -> None:
    folder = notes_dir(tmp_home)
    folder.mkdir(parents=True)
    (folder / "BABA.md").write_text(
        "[bold red]x[/] and [link=https://evil.example]click[/link] [/]\ncheck: [red]oops\n")
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        card = app.screen.card_for("BABA")
        rendered = "\n".join(line.text for line in card.render_lines(card.region.reset_offset))
        assert "[bold red]x[/] and [link=https://e" in rendered  # wrapped at the card's width
        assert "click[/link] [/]" in rendered
        assert "line 2:" in rendered  # the bad check is reported, not rendered as markup
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and app.screen.ticker == "BABA"
        notes = app.screen.query_one("#detail-notes")
        shown = "\n".join(line.text for line in notes.render_lines(notes.region.reset_offset))
        # Markdown, not markup: the brackets stay, and no style or link leaks from them
        assert "[bold red]x[/] and [link=https://evil.example]click[/link] [/]" in shown
        assert "line 2:" in shown and "[red]oops" in shown
        styles = [seg.style for line in notes.render_lines(notes.region.reset_offset)
                  for seg in line if seg.text.strip() == "click"]
        assert not any(style and style.link for style in styles)


def test_editor_command_honours_visual_then_editor_with_flags(tmp_path: Path) -> None:
    note = tmp_path / "BABA.md"
    assert editor_command({}, note) is None
    assert editor_command({"EDITOR": "vim"}, note) == ["vim", str(note)]
    assert editor_command({"EDITOR": "vim", "VISUAL": "code -w"}, note) == [
        "code", "-w", str(note)]
    assert editor_command({"EDITOR": "'unterminated"}, note) is None


@pytest.mark.parametrize("size", [(160, 45), (70, 30)])
def test_editor_snapshot(snap_compare, make_test_app, size: tuple[int, int]) -> None:
    async def open_editor(pilot) -> None:  # noqa: ANN001
        """Wait until the editor is up and still: a loaded machine must not change the picture."""
        await pilot.press("n")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        pilot.app.screen.query_one(TextArea).cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_test_app(), run_before=open_editor, terminal_size=size)


def test_leave_dialog_snapshot(snap_compare, make_test_app) -> None:
    assert snap_compare(make_test_app(), press=["n", "x", "escape"], terminal_size=(100, 30))


def test_cards_with_passing_failing_and_broken_checks(
    snap_compare, make_test_app, tmp_home: Path
) -> None:
    folder = notes_dir(tmp_home)
    folder.mkdir(parents=True)
    (folder / "BABA.md").write_text(
        "# BABA\nScale over margins.\n"
        "check: cloud_yoy >= 40\ncheck: china_share >= 30\ncheck: eps_surprise > 0\n"
        "check: margin > 3\n")
    (folder / "MSFT.md").write_text("# MSFT\n[bold red]not markup[/]\ncheck: price < 500\n")
    assert snap_compare(make_test_app(), terminal_size=(160, 45))


async def test_r_picks_up_a_note_edited_outside(make_test_app, tmp_home: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        (notes_dir(tmp_home) / "MSFT.md").write_text("Edited in vim.\ncheck: price > 600\n")
        await pilot.press("r")
        await pilot.pause()
        summary = app.summaries["MSFT"]
        assert summary.thesis_lines == ("Edited in vim.",)
        assert [r.passed for r in summary.checks] == [False]


async def test_app_keys_type_text_in_the_editor(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(app, pilot)
        area = screen.query_one("#editor")
        area.move_cursor(area.document.end)
        await pilot.press("q", "question_mark", "r", "n", "e", "h", "l")
        await pilot.pause()
        assert app.is_running and app.screen is screen
        assert screen.text.endswith("q?rnehl")


async def test_r_clears_note_trouble_once_fixed(make_test_app, tmp_home: Path) -> None:
    folder = notes_dir(tmp_home)
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the notes folder should be")
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "cannot read the notes of" in app.status
        folder.unlink()
        await pilot.press("r")
        await pilot.pause()
        assert "notes" not in app.status
        assert "RMB 380bn" in app.summaries["BABA"].note  # seeded now that it can be
