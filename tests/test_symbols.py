"""Every symbol form Yahoo uses works end to end: config, cards, keys, notes, refresh."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeYahoo

from aiwatch.screens.detail import DetailScreen
from aiwatch.screens.notes import NotesScreen
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.store.config import load_config, valid_ticker
from aiwatch.store.notes import NotesStore

YAHOO_FORMS = ["9988.HK", "BRK.B", "7203.T", "EURUSD=X", "^GSPC", "BRK-B", "ES=F", "BTC-USD",
               "M&M.NS", "000001.SS", "^N225", "AAPL260116C00150000"]
WATCHLIST = ("9988.HK", "BRK.B", "EURUSD=X", "^GSPC")


@pytest.mark.parametrize("symbol", YAHOO_FORMS)
def test_every_yahoo_symbol_form_is_accepted(symbol: str) -> None:
    assert valid_ticker(symbol) == symbol
    assert valid_ticker(f" {symbol.lower()} ") == symbol


@pytest.mark.parametrize("junk", [
    "", " ", "^", "^^GSPC", "../x", "..", ".HK", "-B", "=X", "a/b", "A\\B", "BRK B", "BRK\tB",
    "BA\nBA", "BA\x00BA", "\x1b[31mX", "[bold]x", "rm -rf", "BABA;ls", "$(x)", "~/x",
    "A" * 30, "ÄPFEL", "straße",
])
@pytest.mark.probe(26)
def test_junk_is_rejected(junk: str) -> None:
    assert valid_ticker(junk) is None


def test_a_config_of_yahoo_symbols_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('tickers = ["9988.HK", "brk.b", "EURUSD=X", "^GSPC", "../x"]\n')
    config = load_config(path)
    assert config.tickers == ("9988.HK", "BRK.B", "EURUSD=X", "^GSPC")
    assert len(config.problems) == 1


@pytest.mark.probe(26)
def test_note_files_of_such_symbols_stay_in_the_notes_dir(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from aiwatch.store.notes import Note

    store = NotesStore(tmp_path / "notes", tmp_path / "seeds")
    assert store.seed(list(WATCHLIST)) == list(WATCHLIST)
    assert sorted(p.name for p in (tmp_path / "notes").iterdir()) == [
        "9988.HK.md", "BRK.B.md", "EURUSD=X.md", "^GSPC.md"]
    assert store.read("^GSPC").text.startswith("# ^GSPC\n")
    store.save(Note("EURUSD=X", "# EURUSD=X\n", None), datetime(2026, 1, 1, tzinfo=UTC))
    assert (tmp_path / "notes" / "EURUSD=X.md").read_text() == "# EURUSD=X\n"
    for bad in ("../x", "a/b", "..", "", ".hidden"):
        with pytest.raises(ValueError):
            store.path(bad)


def write_config(home: Path, tickers: tuple[str, ...]) -> None:
    folder = home / "config" / "aiwatch"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(f"tickers = {list(tickers)!r}\n".replace("'", '"'))


def card_text(app, ticker: str) -> str:  # noqa: ANN001
    card = app.screen.card_for(ticker)
    return "\n".join(line.text for line in card.render_lines(card.region.reset_offset))


@pytest.mark.probe(27)
async def test_a_watchlist_of_yahoo_symbols_starts_and_every_card_opens(
    make_test_app, tmp_home: Path
) -> None:
    write_config(tmp_home, WATCHLIST)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WatchlistScreen)
        assert [card.ticker for card in screen.cards] == list(WATCHLIST)
        for ticker in WATCHLIST:
            text = card_text(app, ticker)
            assert f"─ {ticker} · {ticker} ─" in text
            assert "no price data" in text and "no earnings data" in text
            assert "─ no data ─" in text
        for number, ticker in enumerate(WATCHLIST, start=1):
            await pilot.press(str(number), "enter")
            await pilot.pause()
            assert isinstance(app.screen, DetailScreen)
            assert app.screen.ticker == ticker
            await pilot.press("escape", "n")
            await pilot.pause()
            assert isinstance(app.screen, NotesScreen)
            assert app.screen.note.ticker == ticker
            assert app.screen.text.startswith(f"# {ticker}\n")
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen
        await pilot.press("right", "right")
        assert screen.selected_ticker == "BRK.B"  # wrapped from ^GSPC
    notes = tmp_home / "data" / "aiwatch" / "notes"
    assert {p.name for p in notes.iterdir()} >= {f"{t}.md" for t in WATCHLIST}


async def test_symbols_yahoo_does_not_know_say_so_on_their_cards(
    make_test_app, fake_yahoo: FakeYahoo, tmp_home: Path
) -> None:
    write_config(tmp_home, ("AMZN", *WATCHLIST))
    app = make_test_app(session=fake_yahoo)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.summaries["AMZN"].view.error
        for ticker in WATCHLIST:
            assert app.summaries[ticker].view.error == f"unknown symbol {ticker}"
            assert f"⚠ unknown symbol {ticker}" in card_text(app, ticker)
