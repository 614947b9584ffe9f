"""Keys as a terminal delivers them: in bursts (ssh, paste, tmux send-keys), quitting with
unsaved notes, and an $EDITOR that cannot start or fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual import events

from aiwatch.screens.detail import DetailScreen
from aiwatch.screens.help import HelpScreen
from aiwatch.screens.notes import ConfirmLeave, NotesScreen
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.widgets.ticker_card import TickerCard


async def burst(app, pilot, *keys: str) -> None:  # noqa: ANN001
    """Send keys back to back, as a terminal delivers a paste or `tmux send-keys 3 n`.

    `pilot.press` idles between keys, which hides any state that lags a key; this queues them
    all before the app handles the first."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


def selected(app) -> str:  # noqa: ANN001
    screen = app.screen
    assert isinstance(screen, WatchlistScreen)
    assert isinstance(app.focused, TickerCard)
    assert app.focused.ticker == screen.selected_ticker  # focus follows the selection
    return screen.selected_ticker


@pytest.mark.parametrize(("keys", "screen_type", "ticker"), [
    (("3", "n"), NotesScreen, "MSFT"),
    (("right", "enter"), DetailScreen, "AMZN"),
    (("l", "l", "n"), NotesScreen, "MSFT"),
    (("4", "left", "enter"), DetailScreen, "MSFT"),
])
async def test_a_burst_opens_the_card_the_keys_before_it_chose(
    make_test_app, keys: tuple[str, ...], screen_type: type, ticker: str
) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await burst(app, pilot, *keys)
        assert isinstance(app.screen, screen_type)
        opened = app.screen.note.ticker if screen_type is NotesScreen else app.screen.ticker
        assert opened == ticker


async def test_a_burst_of_moves_moves_once_per_key(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await burst(app, pilot, "right", "right", "right")
        assert selected(app) == "GOOGL"
        await burst(app, pilot, "right", "right", "left", "left", "left")
        assert selected(app) == "MSFT"  # wrapped past the end and back


async def test_a_burst_in_the_2x2_grid(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-medium")
        await burst(app, pilot, "down", "enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.ticker == "MSFT"
        await pilot.press("escape")
        await burst(app, pilot, "right", "up", "down", "left", "n")
        assert isinstance(app.screen, NotesScreen)
        assert app.screen.note.ticker == "MSFT"


async def test_a_click_selects_the_card(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        googl = app.screen.cards[3]
        await pilot.click(googl)
        await pilot.pause()
        assert selected(app) == "GOOGL"
        await burst(app, pilot, "left", "n")
        assert app.screen.note.ticker == "MSFT"


# --- $EDITOR -----------------------------------------------------------------------------------


@pytest.fixture
def suspends(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """App.suspend as Textual's: no `finally`, so it resumes only if its block ends normally.

    The headless driver cannot suspend; this one records what a terminal would see."""
    from aiwatch.app import AiwatchApp

    seen: list[str] = []

    @contextmanager
    def suspend(self: AiwatchApp) -> Iterator[None]:
        seen.append("suspend")
        yield
        seen.append("resume")

    monkeypatch.setattr(AiwatchApp, "suspend", suspend)
    return seen


def executable(path: Path, script: str, mode: int = 0o755) -> Path:
    path.write_text(script)
    path.chmod(mode)
    return path


@pytest.mark.parametrize(("editor", "reason"), [
    ("/nonexistent/editor", "/nonexistent/editor cannot start: not found"),
    ("false", "false exited with status 1"),
    ("{tmp}/not-executable", "{tmp}/not-executable cannot start: permission denied"),
    ("{tmp}/killed", "{tmp}/killed was stopped by signal 9"),
])
@pytest.mark.probe(60, 61)
async def test_an_editor_that_fails_gives_the_app_back_and_says_why(
    make_test_app, suspends: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    editor: str, reason: str,
) -> None:
    executable(tmp_path / "not-executable", "#!/bin/sh\n", mode=0o644)
    executable(tmp_path / "killed", "#!/bin/sh\nkill -9 $$\n")
    monkeypatch.setenv("EDITOR", editor.format(tmp=tmp_path))
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await burst(app, pilot, "2", "e")
        assert suspends == ["suspend", "resume"]
        [notice] = [n for n in app._notifications if n.severity == "error"]
        assert notice.title == "Editor failed on AMZN"
        assert notice.message.startswith(reason.format(tmp=tmp_path) + ". Check $VISUAL")
        await burst(app, pilot, "right", "enter")  # the app answers keys again
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.ticker == "MSFT"


async def test_an_editor_that_works_is_read_back(
    make_test_app, suspends: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    script = '#!/bin/sh\nprintf "# edited\\ncheck: eps > 0\\n" > "$1"\n'
    editor = executable(tmp_path / "ed", script)
    monkeypatch.setenv("VISUAL", str(editor))
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await burst(app, pilot, "3", "e")
        assert suspends == ["suspend", "resume"]
        assert not [n for n in app._notifications if n.severity == "error"]
        assert app.note_texts["MSFT"] == "# edited\ncheck: eps > 0\n"
        assert [c.check.text for c in app.summaries["MSFT"].checks] == ["eps > 0"]


# --- quitting with unsaved notes ----------------------------------------------------------------


def note_file(home: Path, ticker: str) -> Path:
    return home / "data" / "aiwatch" / "notes" / f"{ticker}.md"


async def edit_note(app, pilot, *keys: str) -> NotesScreen:  # noqa: ANN001
    """Open the selected card's note and type `keys` at its start."""
    await pilot.press("n")
    await pilot.pause()
    editor = app.screen
    assert isinstance(editor, NotesScreen)
    await pilot.press("ctrl+home", *keys)
    assert editor.modified
    return editor


async def choose_quit(app, pilot, how: str) -> None:  # noqa: ANN001
    """Quit the way a user would: ctrl+q, or Quit in the command palette."""
    if how == "palette":
        await pilot.press("ctrl+p", *"quit", "enter")
    else:
        await pilot.press(how)
    await pilot.pause()


@pytest.mark.parametrize("how", ["ctrl+q", "palette"])
@pytest.mark.probe(24)
async def test_quitting_with_unsaved_text_asks_and_keep_returns_to_it(
    make_test_app, tmp_home: Path, how: str
) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        editor = await edit_note(app, pilot, "Q")
        await choose_quit(app, pilot, how)
        assert app.is_running
        assert isinstance(app.screen, ConfirmLeave)
        assert app.screen.ticker == "BABA"
        await pilot.press("k")  # keep editing
        await pilot.pause()
        assert app.is_running and app.screen is editor
        assert editor.text.startswith("Q# BABA")
        await choose_quit(app, pilot, how)
        await pilot.press("s")
        await pilot.pause()
    assert not app.is_running and app.return_code == 0
    assert note_file(tmp_home, "BABA").read_text().startswith("Q# BABA")


@pytest.mark.probe(24)
async def test_quitting_and_discarding_quits_and_keeps_the_file(
    make_test_app, tmp_home: Path
) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = note_file(tmp_home, "BABA").read_text()
        await edit_note(app, pilot, "Q")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeave)
        await pilot.press("d")
        await pilot.pause()
    assert not app.is_running and app.return_code == 0
    assert note_file(tmp_home, "BABA").read_text() == before


async def test_quitting_with_the_editor_under_other_screens_asks_in_the_editor(
    make_test_app, tmp_home: Path
) -> None:
    """Detail → note → (palette) help, detail of another ticker: the unsaved editor is deep in
    the stack; quitting brings it back up, asks, and only then exits."""
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        editor = await edit_note(app, pilot, "Q")
        assert editor.note.ticker == "AMZN"
        await pilot.press("ctrl+p", *"detail googl", "enter")
        await pilot.pause()
        app.action_help()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeave) and app.screen.ticker == "AMZN"
        await pilot.press("escape")  # keep
        await pilot.pause()
        assert app.screen is editor
        await pilot.press("ctrl+q", "s")
        await pilot.pause()
    assert not app.is_running
    assert note_file(tmp_home, "AMZN").read_text().startswith("Q# AMZN")


async def test_two_unsaved_editors_are_each_asked_about(make_test_app, tmp_home: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await edit_note(app, pilot, "Q")  # BABA
        await pilot.press("ctrl+p", *"note: msft", "enter")
        await pilot.pause()
        msft = app.screen
        assert isinstance(msft, NotesScreen) and msft.note.ticker == "MSFT"
        await pilot.press("ctrl+home", "Z", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeave) and app.screen.ticker == "MSFT"
        await pilot.press("s")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, ConfirmLeave) and app.screen.ticker == "BABA"
        await pilot.press("d")
        await pilot.pause()
    assert not app.is_running
    assert note_file(tmp_home, "MSFT").read_text().startswith("Z# MSFT")
    assert not note_file(tmp_home, "BABA").read_text().startswith("Q")


async def test_ctrl_c_in_the_editor_never_quits(make_test_app) -> None:
    """Textual 8 binds ctrl+c to copy in a TextArea and to a 'press ctrl+q' hint elsewhere."""
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        editor = await edit_note(app, pilot, "Q")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running and app.screen is editor and editor.text.startswith("Q# BABA")


async def test_quitting_without_changes_quits_at_once(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running and app.return_code == 0


async def open_editor(app, pilot) -> NotesScreen:  # noqa: ANN001
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    editor = app.screen
    assert isinstance(editor, NotesScreen) and not editor.modified
    await pilot.press("ctrl+home")
    return editor


async def test_text_typed_just_before_ctrl_s_is_saved(make_test_app, tmp_home: Path) -> None:
    """A paste or a macro ending in ctrl+s: the save holds every key before it."""
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(app, pilot)
        await burst(app, pilot, "x", "y", "ctrl+s")
        assert not editor.modified
    assert note_file(tmp_home, "BABA").read_text().startswith("xy# BABA")


@pytest.mark.parametrize("leave", ["ctrl+q", "escape"])
async def test_text_typed_just_before_leaving_is_not_dropped(make_test_app, tmp_home: Path,
                                                             leave: str) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(app, pilot)
        await burst(app, pilot, "x", leave)
        assert app.is_running
        assert isinstance(app.screen, ConfirmLeave)
        assert editor.text.startswith("x# BABA")
