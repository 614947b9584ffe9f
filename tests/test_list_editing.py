"""Shaping the list in the app: add, remove, undo, reorder, sort, switch lists, the view; each
kept in config.toml with the user's comments, and seen by the next start."""

from __future__ import annotations

from pathlib import Path

import pytest
from watchlists import write_config

CONFIG = """\
# my watchlist — keep this comment
tickers = ["BABA", "AMZN", "MSFT", "GOOGL"]  # the four

refresh_minutes = 5  # every five minutes

[lists.chips]
tickers = ["NVDA", "AMD"]
"""


@pytest.fixture
def config_file(tmp_home: Path) -> Path:
    return write_config(CONFIG)


def shown(app) -> tuple[str, ...]:  # noqa: ANN001
    return app.screen.tickers


async def test_add_puts_the_symbol_after_the_selection_and_keeps_comments(
        make_test_app, config_file: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("right", "a")  # AMZN selected
        await pilot.pause()
        await pilot.press(*"nvda", "enter")
        await pilot.pause()
        assert shown(app) == ("BABA", "AMZN", "NVDA", "MSFT", "GOOGL")
        assert app.screen.selected_ticker == "NVDA"
    text = config_file.read_text()
    assert "# my watchlist — keep this comment" in text and "# the four" in text
    assert "# every five minutes" in text
    assert '"NVDA"' in text.split("[lists.chips]")[0]
    again = make_test_app()  # the next start shows it
    async with again.run_test(size=(160, 45)):
        assert again.tickers == ("BABA", "AMZN", "NVDA", "MSFT", "GOOGL")


async def test_a_bad_or_listed_symbol_is_refused_in_the_box(make_test_app,
                                                            config_file: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("a", *"bad sym", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "AddSymbolScreen"
        assert "not a Yahoo symbol" in str(app.screen.query_one("#add-hint").render())
        await pilot.press("ctrl+a", *"", "escape")
        await pilot.pause()
        assert shown(app) == ("BABA", "AMZN", "MSFT", "GOOGL")
    assert config_file.read_text() == CONFIG  # nothing written


async def test_remove_then_undo_puts_it_back_where_it_was(make_test_app,
                                                          config_file: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("3", "d")  # MSFT
        await pilot.pause()
        assert shown(app) == ("BABA", "AMZN", "GOOGL")
        assert app.screen.selected_ticker == "GOOGL"  # the next one
        assert '"MSFT"' not in config_file.read_text().split("[lists")[0]
        await pilot.press("u")
        await pilot.pause()
        assert shown(app) == ("BABA", "AMZN", "MSFT", "GOOGL")
        assert app.screen.selected_ticker == "MSFT"
    assert "# the four" in config_file.read_text()


async def test_shift_arrows_reorder_and_persist(make_test_app, config_file: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("shift+right", "shift+right")  # BABA two places right
        await pilot.pause()
        assert shown(app) == ("AMZN", "MSFT", "BABA", "GOOGL")
        assert app.screen.selected_ticker == "BABA"
    again = make_test_app()
    async with again.run_test(size=(160, 45)):
        assert again.tickers == ("AMZN", "MSFT", "BABA", "GOOGL")


async def test_s_sorts_by_day_change_and_is_remembered(make_test_app,
                                                       config_file: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("s")  # list → day change: +1.95 / +0.78 / +0.35 / −1.32 %
        await pilot.pause()
        assert shown(app) == ("AMZN", "MSFT", "GOOGL", "BABA")
        await pilot.press("shift+right")  # reordering by hand needs list order
        await pilot.pause()
        assert shown(app) == ("AMZN", "MSFT", "GOOGL", "BABA")
    assert 'sort = "day"' in config_file.read_text()
    again = make_test_app()
    async with again.run_test(size=(160, 45)):
        assert shown(again) == ("AMZN", "MSFT", "GOOGL", "BABA")
        assert again.tickers == ("BABA", "AMZN", "MSFT", "GOOGL")  # the list itself unchanged


async def test_capital_l_switches_to_the_next_named_list(make_test_app,
                                                         config_file: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("L")
        await pilot.pause()
        assert shown(app) == ("NVDA", "AMD")
        assert str(app.screen.card_for("NVDA").border_title).startswith("NVDA")
    assert 'list = "chips"' in config_file.read_text()
    assert "# my watchlist — keep this comment" in config_file.read_text()


async def test_v_toggles_the_compact_view_and_keys_act_on_its_rows(
        make_test_app, config_file: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert app.screen.compact
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "DetailScreen" and app.screen.ticker == "MSFT"
    assert 'view = "compact"' in config_file.read_text()


async def test_a_tickers_session_never_writes_the_list(make_test_app, config_file: Path) -> None:
    from aiwatch.cli import make_app

    app = make_app(offline=True, tickers=("NVDA", "ORCL"))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert shown(app) == ("ORCL",)
    assert config_file.read_text() == CONFIG


async def test_the_small_terminal_opens_on_the_compact_view(make_test_app,
                                                            config_file: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(80, 24)):
        assert app.screen.compact  # view = "auto" below 100×30
    app = make_test_app()
    async with app.run_test(size=(120, 40)):
        assert not app.screen.compact


async def test_online_a_symbol_yahoo_does_not_know_is_not_added(
        make_test_app, fake_yahoo, config_file: Path) -> None:
    from test_live_app import IN_SESSION

    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)
    async with app.run_test(size=(160, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("a", *"zzzz", "enter")
        for _ in range(400):  # the refresh for it runs in a thread: slow on a busy machine
            await pilot.pause(0.05)
            if "ZZZZ" not in shown(app) and not app.unverified:
                break
        assert shown(app) == ("BABA", "AMZN", "MSFT", "GOOGL")
        messages = [n.message for n in app._notifications]
        assert "ZZZZ not added: Yahoo has no such symbol" in messages
        await pilot.press("a", *"msft", "enter")  # already listed: refused in the box
        await pilot.pause()
    assert '"ZZZZ"' not in config_file.read_text()


async def test_what_landed_for_a_symbol_taken_out_meanwhile_is_dropped(make_test_app) -> None:
    """A symbol's answer waits for the next apply; the symbol leaves the list before it (Yahoo
    said it has no such symbol, or the user pressed d): the apply drops it and shows the rest
    (it raised KeyError: seen under load in the test above)."""
    from aiwatch.refresh import FetchEvent

    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        app._unshown["ZZZZ"] = [FetchEvent("ZZZZ", "prices")]
        app._unshown["MSFT"] = [FetchEvent("MSFT", error="no price data from Yahoo for MSFT")]
        app._apply_landed()
        await pilot.pause()
        assert "ZZZZ" not in app.views and not app._unshown
        assert app.views["MSFT"].error == "no price data from Yahoo for MSFT"


async def test_online_a_known_symbol_stays(make_test_app, fake_yahoo,
                                           config_file: Path) -> None:
    from test_live_app import IN_SESSION

    write = config_file.read_text().replace('"GOOGL"]', '"GOOGL"]').replace(
        'tickers = ["BABA", "AMZN", "MSFT", "GOOGL"]', 'tickers = ["BABA", "AMZN", "MSFT"]')
    config_file.write_text(write)
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)
    async with app.run_test(size=(160, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3", "a", *"googl", "enter")
        for _ in range(400):
            await pilot.pause(0.05)
            if not app.unverified:
                break
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert shown(app) == ("BABA", "AMZN", "MSFT", "GOOGL")
    assert '"GOOGL"' in config_file.read_text()
