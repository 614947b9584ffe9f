"""One command table: the palette offers what the bindings do, [keymap] rebinds by id, help
shows the keys in force and their ids."""

from __future__ import annotations

from pathlib import Path

from watchlists import write_config

from aiwatch.app import AiwatchApp
from aiwatch.commands import palette_entries


def test_the_palette_is_the_table() -> None:
    titles = [c.palette for c in palette_entries(AiwatchApp.COMMANDS_TABLE)]
    assert titles == ["Help", "Refresh", "Market share sources"]
    assert [b.id for b in AiwatchApp.BINDINGS] == [c.id for c in AiwatchApp.COMMANDS_TABLE]


async def test_keymap_rebinds_by_id_and_names_unknown_ids(make_test_app, tmp_home: Path) -> None:
    write_config('[keymap]\n"watchlist.detail" = "o"\n"app.nonsense" = "z"\n')
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        assert any("keymap: no command app.nonsense" in p for p in app.problems)
        await pilot.press("enter")  # no longer the detail key
        await pilot.pause()
        assert type(app.screen).__name__ == "WatchlistScreen"
        await pilot.press("o")
        await pilot.pause()
        assert type(app.screen).__name__ == "DetailScreen"


def test_help_shows_the_keys_in_force_and_their_ids() -> None:
    from rich.console import Console

    from aiwatch.screens.help import keys_table
    from aiwatch.screens.watchlist import WatchlistScreen

    console = Console(width=100)
    with console.capture() as captured:
        console.print(keys_table("Watchlist", WatchlistScreen.BINDINGS,
                                 {"watchlist.detail": "o"}))
    detail = next(line for line in captured.get().splitlines() if " Detail " in line)
    assert detail.split() == ["o", "Detail", "watchlist.detail"]


async def test_the_palette_runs_a_table_command(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("ctrl+p", *"market share", "enter")
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "SourcesScreen"


async def test_the_palette_offers_the_screens_table_too(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Compare", "Cloud race", "Sort the list", "Add a symbol"} <= set(titles)
        await pilot.press("ctrl+p", *"compare", "enter")
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "CompareScreen"
