"""Keys as a terminal delivers them: in bursts (ssh, paste, tmux send-keys), quitting with
unsaved notes, and an $EDITOR that cannot start or fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual import events

from aiwatch.screens.detail import DetailScreen
from aiwatch.screens.notes import NotesScreen
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
