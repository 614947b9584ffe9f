"""Terminal faults (fault probe cases 56-59): resizes, a tiny terminal, TERM=dumb and LANG=C
never crash the app, and text typed under LANG=C is saved as UTF-8."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from faultkit import PtyApp, home_env

STORMED = ("WatchlistScreen", "DetailScreen", "NotesScreen")
SIZES = [(160, 45), (20, 10), (90, 30), (60, 20), (200, 60), (40, 12)]


async def visit_every_screen(app, pilot, check) -> None:  # noqa: ANN001
    """Watchlist, help, sources, detail, editor: `check` on each, then back home."""
    from aiwatch.screens.detail import DetailScreen
    from aiwatch.screens.help import HelpScreen
    from aiwatch.screens.notes import NotesScreen
    from aiwatch.screens.sources import SourcesScreen
    from aiwatch.screens.watchlist import WatchlistScreen

    await pilot.pause()
    await check(WatchlistScreen)
    for key, screen in (("question_mark", HelpScreen), ("m", SourcesScreen)):
        await pilot.press(key)
        await pilot.pause()
        await check(screen)
        await pilot.press("escape")
    await pilot.press("enter")
    await pilot.pause()
    await check(DetailScreen)
    await pilot.press("n")
    await pilot.pause()
    await check(NotesScreen)
    await pilot.press("escape", "escape")
    await pilot.pause()


async def storm(app, pilot, resizes: int) -> None:  # noqa: ANN001
    """`resizes` terminal resizes as fast as SIGWINCH can bring them (pilot.resize_terminal
    without its pause: awaiting each costs ~0.7 s of layout), then one awaited resize back."""
    from textual.events import Resize
    from textual.geometry import Size

    for n in range(resizes):
        size = Size(*SIZES[n % len(SIZES)])
        app._driver._size = size
        app.post_message(Resize(size, size))
    await pilot.resize_terminal(160, 45)
    await pilot.pause()


@pytest.mark.probe(56)
async def test_a_resize_storm_on_every_screen_changes_nothing(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        async def check(screen: type) -> None:  # the probe's screens; help, sources: once
            assert isinstance(app.screen, screen)
            await storm(app, pilot, 50 if screen.__name__ in STORMED else 1)
            assert isinstance(app.screen, screen) and app.size == (160, 45)
            assert app.screen.size == (160, 45)

        await visit_every_screen(app, pilot, check)
        await pilot.press("q")
    assert app.return_code == 0


@pytest.mark.probe(57)
async def test_every_screen_works_in_a_20_by_10_terminal(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(20, 10)) as pilot:
        async def shown(screen: type) -> None:
            assert isinstance(app.screen, screen) and app.screen.size == (20, 10)

        await visit_every_screen(app, pilot, shown)
        await pilot.press("q")
    assert app.return_code == 0


@pytest.fixture
def dumb_pty(tmp_home: Path) -> Iterator[PtyApp]:
    app = PtyApp(tmp_home, env=home_env(tmp_home, TERM="dumb"))
    yield app
    app.close()


@pytest.mark.probe(58)
def test_term_dumb_still_runs_the_full_app(dumb_pty: PtyApp) -> None:
    # Textual ignores TERM: the same escape-driven UI is drawn; documented, not refused.
    assert dumb_pty.painted()
    dumb_pty.send(b"q")
    assert dumb_pty.wait() == 0
    assert dumb_pty.tty_echoes()


@pytest.fixture
def c_locale_pty(tmp_home: Path) -> Iterator[PtyApp]:
    env = home_env(tmp_home, LANG="C", LC_ALL="C")
    env.pop("PYTHONUTF8", None)
    app = PtyApp(tmp_home, env=env)
    yield app
    app.close()


@pytest.mark.probe(59)
def test_lang_c_types_and_saves_utf_8(c_locale_pty: PtyApp, tmp_home: Path) -> None:
    note = tmp_home / "data" / "aiwatch" / "notes" / "BABA.md"
    assert c_locale_pty.painted()
    c_locale_pty.send(b"n")
    assert c_locale_pty.read_until("Note · BABA".encode())
    c_locale_pty.send("é 日本 ".encode())
    time.sleep(0.3)
    c_locale_pty.send(b"\x13")  # ctrl+s
    assert c_locale_pty.read_until(b"Saved BABA.md")
    c_locale_pty.send(b"\x1b")
    time.sleep(0.3)  # an escape followed at once by q would read as alt+q
    c_locale_pty.send(b"q")
    assert c_locale_pty.wait() == 0

    assert note.read_bytes().startswith("é 日本 ".encode())
