"""Start-up does only what the first frame needs: modules of other screens and of fetching
stay unloaded, and the fetch process starts after the first frame is on screen."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from msgspec.structs import replace
from rich.console import RenderableType
from textual.screen import Screen
from watchlists import MANY, all_cards_built, write_tickers

from aiwatch.app import AiwatchApp
from aiwatch.refresh import FetchEvent
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.widgets.ticker_card import TickerCard

TUI = str(Path(__file__).resolve().parent.parent / "tui")
FAKE_FETCH = (sys.executable, str(Path(__file__).parent / "fake_fetch.py"))
# Loaded only when first needed: other screens, the note editor's TextArea, the detail's chart
# and table, the Yahoo modules (the fetch process's), the holidays package, the compare
# screen's series (a sort by the month's return), the user's positions and FX (none here),
# the refresh run with its thread pool (the fetch process's), OpenSSL's hashes (only the
# secrets module would load them), shlex (for $EDITOR) and the ADS comparison (BABA and 9988.HK
# are not both listed here).
NOT_AT_START = (
    "aiwatch.screens.detail", "aiwatch.screens.notes", "aiwatch.screens.help",
    "aiwatch.screens.sources", "aiwatch.widgets.price_chart", "aiwatch.widgets.earnings_table",
    "aiwatch.sources.yahoo", "aiwatch.sources.yahoo_wire", "aiwatch.sources.yahoo_map",
    "textual.widgets._text_area", "textual.widgets._data_table", "textual_plotext", "plotext",
    "holidays", "yfinance", "pandas", "curl_cffi", "aiwatch.compare", "aiwatch.positions",
    "aiwatch.holdings", "aiwatch.refresh_run", "concurrent.futures.thread", "hashlib",
    "_hashlib", "secrets", "shlex", "aiwatch.adr",
)
# Loaded once a refresh has ended (to find the checks it flipped), not for the first frame.
NOT_AT_FIRST_FRAME = ("aiwatch.alerts", "aiwatch.desktop")

FIRST_FRAME = textwrap.dedent("""
    import asyncio, sys
    from msgspec.structs import replace
    from datetime import datetime, UTC
    from aiwatch.cli import make_app
    from aiwatch.fetcher import SubprocessFetcher

    async def main():
        app = make_app(clock=lambda: datetime(2026, 11, 25, 15, tzinfo=UTC))
        app.services = replace(app.services, fetcher=SubprocessFetcher({command!r}))
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            assert app.screen.cards[0].region.height > 0  # painted
            print(",".join(m for m in {first!r} if m in sys.modules) or "-")
            await app.workers.wait_for_complete()  # the fetch, from FakeYahoo
        print(",".join(m for m in {names!r} if m in sys.modules) or "-")

    asyncio.run(main())
""")


def test_the_first_frame_loads_no_other_screen_and_no_fetching(tmp_home: Path) -> None:
    """The app's own process from start to a painted watchlist (refresh on, through the fetch
    process): none of the modules only other screens or the fetch need were imported."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([TUI, os.environ.get("PYTHONPATH", "")]))
    code = FIRST_FRAME.format(names=NOT_AT_START, first=NOT_AT_START + NOT_AT_FIRST_FRAME,
                              command=FAKE_FETCH)
    out = subprocess.run([sys.executable, "-c", code],
                         capture_output=True, text=True, env=env, check=True, timeout=120)
    assert out.stdout.strip().splitlines()[-2:] == ["-", "-"]


class Recording:
    """A fetcher that only notes when it was asked, and whether the watchlist had been drawn
    (handed to the terminal: headless, the drawing is dropped there) by then."""

    def __init__(self, app: AiwatchApp) -> None:
        self.drawn: list[bool] = []  # per frame: whether the cards were in it
        self.runs: list[tuple[bool, bool]] = []  # (force, a frame had shown the cards)
        display = app._display

        def counted(screen: Screen[object], renderable: RenderableType | None) -> None:
            if renderable is not None:
                self.drawn.append(isinstance(screen, WatchlistScreen) and all(
                    card.region.height > 0 for card in screen.cards))
            display(screen, renderable)

        app._display = counted  # type: ignore[method-assign]

    async def run(self, tickers: Sequence[str], force: bool,
                  fx: Sequence[str] = ()) -> AsyncIterator[FetchEvent]:
        self.runs.append((force, any(self.drawn)))
        yield FetchEvent(done=True)


async def test_the_fetch_starts_after_the_first_frame(make_test_app) -> None:  # noqa: ANN001
    app = make_test_app()
    fetcher = Recording(app)
    app.services = replace(app.services, fetcher=fetcher)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert fetcher.runs == [(False, True)]


async def test_home_is_the_first_screen_and_a_list_change_replaces_it(make_test_app) -> None:  # noqa: ANN001
    """No blank screen of Textual's under home (styling and laying it out, and parsing Screen's
    CSS a second time for home, cost ~2% of a start); a change of the list (here the view,
    `v`) puts a new home in its place, on its own still, and back (`v`) again."""
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        first = app.screen
        assert app.screen_stack == [first] and isinstance(first, WatchlistScreen)
        await pilot.press("v")
        await pilot.pause()
        assert len(app.screen_stack) == 1 and app.screen.compact and app.screen is not first
        await pilot.press("v")
        await pilot.pause()
        assert len(app.screen_stack) == 1 and not app.screen.compact


async def test_a_refresh_asked_before_the_first_frame_is_the_one_that_runs(
        make_test_app) -> None:  # noqa: ANN001
    """`r` pressed while start-up's fetch waits for the first frame: that fetch is dropped,
    the forced one runs (alone: refreshes never overlap)."""
    app = make_test_app()
    fetcher = Recording(app)
    app.services = replace(app.services, fetcher=fetcher)
    async with app.run_test(size=(160, 45)) as pilot:
        await app.workers.wait_for_complete()  # start-up's own, if the first frame came
        before = len(fetcher.runs)
        app.start_refresh(force=False, after_paint=True)
        app.start_refresh(force=True)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [force for force, _ in fetcher.runs[before:]] == [True]


async def test_start_up_styles_the_cards_once(make_test_app, monkeypatch) -> None:  # noqa: ANN001
    """Each restyle of the screen styles every card (~60 ms at 100 cards): the grid's width
    mode is set as the screen is composed, not at the first resize; the first card takes the
    focus directly, not after the scrolling body around the cards had it; and the screen's
    first resume, right after its mount styled it, does not style it again. A theme changed
    under another screen still restyles the cards."""
    from textual.css.stylesheet import Stylesheet

    styled: list[list[str]] = []  # per restyle: the tickers of the cards in it
    update_nodes = Stylesheet.update_nodes

    def counted(self: Stylesheet, nodes: object, animate: bool = False) -> None:
        nodes = list(nodes)  # type: ignore[call-overload]
        styled.append([node.ticker for node in nodes if isinstance(node, TickerCard)])
        update_nodes(self, nodes, animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", counted)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-wide") and app.screen.focused is app.screen.cards[0]
        assert sum("GOOGL" in tickers for tickers in styled) == 0  # the last card
        dark_border = app.screen.cards[3].styles.border_top[1]
        await pilot.press("enter")  # the detail screen, over the whole home screen
        await pilot.pause()
        assert type(app.screen).__name__ == "DetailScreen"
        app.theme = "textual-light"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.cards[3].ticker == "GOOGL"
        assert sum("GOOGL" in tickers for tickers in styled) >= 1
        assert app.screen.cards[3].styles.border_top[1] != dark_border
        await pilot.resize_terminal(100, 45)
        await pilot.pause()
        assert app.screen.has_class("-medium") and not app.screen.has_class("-wide")


def test_the_cache_is_read_in_one_query(tmp_path: Path) -> None:
    """Start-up reads every ticker's parts at once (it asked three queries per ticker); what it
    reads is what the per-part reads give, an unreadable entry left out as they leave it."""
    from datetime import UTC, date, datetime

    from aiwatch.model import Origin, PriceHistory, Provenance, Quote
    from aiwatch.refresh import CachedData, Refresher
    from aiwatch.store.cache import Cache

    cache = Cache(tmp_path / "cache.sqlite3")
    at = Origin(Provenance.LIVE, datetime(2026, 11, 25, 15, tzinfo=UTC))
    cache.put_many([PriceHistory("MSFT", (date(2026, 11, 24),), (501.0,), at, currency="USD"),
                    Quote("MSFT", 502.0, 501.0, "USD", at.as_of, at),
                    Quote("AMZN", 230.0, 229.0, "USD", at.as_of, at),
                    Quote("GOOGL", 1e300, 300.0, "USD", at.as_of, at)])  # cannot be shown
    statements: list[str] = []
    cache._db.set_trace_callback(statements.append)
    found = Refresher(cache, None, lambda: at.as_of).cached(["MSFT", "amzn", "GOOGL", "BABA"])
    assert [s for s in statements if s.startswith("SELECT")] == [
        "SELECT kind, ticker, payload, fetched_at FROM entries WHERE ticker IN "
        "('MSFT', 'AMZN', 'GOOGL', 'BABA')"]
    assert found["amzn"].quote.price == 230.0  # asked as given, read as stored
    cache._db.set_trace_callback(None)
    assert found == {t: CachedData(cache.get_history(t), cache.get_quote(t),
                                   cache.get_fundamentals(t)) for t in found}
    assert found["MSFT"].quote.price == 502.0 and found["MSFT"].history.closes == (501.0,)
    assert found["GOOGL"] == CachedData() and found["BABA"] == CachedData()


def test_the_collector_is_off_while_the_app_starts(monkeypatch, tmp_home: Path) -> None:  # noqa: ANN001
    """`aiwatch` builds and runs the app with the collector off: its passes over start-up's
    ~90k objects cost 70-110 ms of the first frame (profiled)."""
    import gc

    from aiwatch import cli

    seen: list[bool] = []

    class Started:
        return_code = 0

        def run(self) -> None:
            seen.append(gc.isenabled())

    monkeypatch.setattr(cli, "make_app", lambda **kwargs: seen.append(gc.isenabled()) or Started())
    try:
        cli.main([])
    finally:
        gc.enable()
    assert seen == [False, False]


async def test_the_collector_is_back_on_after_the_first_frame(make_test_app) -> None:  # noqa: ANN001
    import gc

    gc.disable()  # as cli.main leaves it
    try:
        app = make_test_app()
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            assert app.screen.cards[0].region.height > 0
            assert gc.isenabled()
    finally:
        gc.enable()


async def test_cards_past_the_first_screenful_are_built_after_the_first_frame(
        make_test_app, tmp_home, monkeypatch) -> None:  # noqa: ANN001
    from aiwatch.screens.watchlist import FIRST_CARDS, WatchlistScreen
    from aiwatch.widgets.ticker_card import TickerCard

    write_tickers(MANY)
    app = make_test_app()
    built_at_first_frame: list[int] = []
    mount_rest = WatchlistScreen._mount_rest

    def counting(screen: WatchlistScreen, all_at_once: bool = False) -> None:
        built_at_first_frame.append(len(screen.query(TickerCard)))
        mount_rest(screen, all_at_once)

    monkeypatch.setattr(WatchlistScreen, "_mount_rest", counting)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("left")  # wraps to the last card, which may not be built yet
        for _ in range(100):
            await pilot.pause()
            if len(app.screen.cards) == 100 and app.screen.focused is not None:
                break
        assert built_at_first_frame[0] == FIRST_CARDS  # composed before the first frame
        assert len(app.screen.cards) == 100
        assert app.screen.selected_ticker == MANY[-1] == "T95"
        assert app.screen.focused is app.screen.card_for("T95")
        assert app.screen.card_for("T50").summary is app.summaries["T50"]


async def test_later_cards_arrive_without_repainting_the_first_screenful(
        make_test_app, monkeypatch) -> None:  # noqa: ANN001
    """Each later batch is a grid of its own in #later, which keeps the guessed height of the
    cards to come: the first screenful's cards are painted again a few times (as #later takes
    that height, and gives it back), not at each of the 22 batches (each such repaint was
    ~20 ms of a turn at 160x45). The guess lasts until the last card is in."""
    from aiwatch.widgets.ticker_card import TickerCard

    write_tickers(MANY)
    app = make_test_app()
    painted: Counter[str] = Counter()
    render_lines = TickerCard.render_lines

    def counted(card: TickerCard, crop: object) -> object:
        painted[card.ticker] += 1
        return render_lines(card, crop)  # type: ignore[arg-type]

    async with app.run_test(size=(160, 45)) as pilot:
        monkeypatch.setattr(TickerCard, "render_lines", counted)
        await all_cards_built(app, pilot)
        first = [card.ticker for card in app.screen.query_one("#cards").children]
        later = app.screen.query_one("#later")
        assert first == list(MANY[:12])
        assert max(painted[ticker] for ticker in first) <= 5, painted
        assert later.styles.min_height is None
        assert len(later.children) == (len(MANY) - 12) // 4


async def test_the_terminal_telling_its_size_again_lays_nothing_out(make_test_app) -> None:  # noqa: ANN001
    """As the app starts, the terminal reports the size Textual already laid the screen out
    at: that lays out nothing again (a whole layout before the first frame, ~35 ms at 4
    cards); a real resize still does."""
    from textual import events

    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = app.screen
        layouts: list[object] = []
        refresh_layout = screen._refresh_layout

        def counted(*args: object, **kwargs: object) -> None:
            layouts.append(args)
            refresh_layout(*args, **kwargs)

        screen._refresh_layout = counted  # type: ignore[method-assign]
        app.post_message(events.Resize(app.size, app.size))
        await pilot.pause(0.1)
        assert layouts == []
        await pilot.resize_terminal(150, 45)
        await pilot.pause(0.1)
        assert layouts and screen.size.width == 150


async def test_the_footer_is_one_widget_drawn_with_its_keys(make_test_app) -> None:  # noqa: ANN001
    """The footer draws its keys as one line from the first frame on: Textual's Footer
    mounted a widget per key (10 of the 22 nodes of the home screen's first frame, each
    styled, laid out and painted) once the screen first signalled "bindings updated", which
    laid out and painted the whole screen again just before the first frame."""
    from aiwatch.widgets.keys_footer import KeysFooter

    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        footer = app.screen.query_one(KeysFooter)
        assert list(footer.children) == []
        assert footer.render().plain.startswith(" →/l Next card  ⏎ Detail  n Note ")
        await pilot.pause()
        await pilot.press("right", "left")
        await pilot.pause()
        line = footer.render().plain
        assert line.endswith(" r Refresh " + " " * 56 + "▏ctrl+p Commands ")
        assert len(line) == 160


async def test_start_up_builds_each_panel_once(make_test_app, monkeypatch) -> None:  # noqa: ANN001
    """The share bars and the race build their rows once per content and width, and are
    measured and drawn from those rows: Textual measures a Rich renderable by rendering it
    whole, at every layout (a start lays the screen out twice), then renders it again to
    draw it. New content is built again, and its height is its row count."""
    from textual.geometry import Region

    from aiwatch.race import build_race
    from aiwatch.widgets.painted import PaintedRows
    from aiwatch.widgets.race_panel import RacePanel
    from aiwatch.widgets.share_bars import ShareBars

    built: list[str] = []
    rows_at = {cls: cls.rows_at for cls in (RacePanel, ShareBars)}

    def counted(cls: type[PaintedRows]):  # noqa: ANN202
        def rows(self: PaintedRows, width: int) -> list:  # noqa: ANN001
            built.append(f"{cls.__name__} at {width}")
            return rows_at[cls](self, width)
        return rows

    for cls in rows_at:
        monkeypatch.setattr(cls, "rows_at", counted(cls))
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.pause(0.1)
        race, bars = app.screen.query_one(RacePanel), app.screen.query_one(ShareBars)
        assert sorted(built) == [f"RacePanel at {race.size.width}",
                                 f"ShareBars at {bars.size.width}"]
        tall = race.size.height
        race.race = build_race([app.views["MSFT"]], app.shares)  # one company: fewer rows
        bars.shares = ()
        await pilot.pause()
        outer = race.render_lines(Region(0, 0, *race.outer_size))
        drawn = [strip.text for strip in outer][1:-1]  # within the border
        assert race.size.height == len(drawn) < tall
        assert "│ * computed by aiwatch from the reported amounts" in drawn[-1]
        assert bars.size.height == 1  # "no market-share data"
        assert len(built) == 4


async def test_the_first_frame_written_holds_only_the_first_screenful(
        make_test_app, tmp_home, monkeypatch) -> None:  # noqa: ANN001
    """Textual drops a frame while widgets mount: were the later cards built "after a
    refresh" (call_after_refresh), their batches would run before any frame of the home
    screen reached the terminal, and a 100-card start would show nothing until all were
    built. The first frame written holds the first screenful; the rest come after it."""
    from textual.app import App

    from aiwatch.screens.watchlist import FIRST_CARDS, WatchlistScreen
    from aiwatch.widgets.ticker_card import TickerCard

    write_tickers(MANY)
    app = make_test_app()
    written: list[int] = []
    display = App._display

    def recording(self: App[None], screen: object, renderable: object) -> None:
        if (renderable is not None and not self._batch_count
                and isinstance(screen, WatchlistScreen)):
            written.append(len(screen.query(TickerCard)))
        display(self, screen, renderable)  # type: ignore[arg-type]

    monkeypatch.setattr(App, "_display", recording)
    async with app.run_test(size=(160, 45)) as pilot:
        for _ in range(100):
            await pilot.pause()
            if len(app.screen.query(TickerCard)) == 100:
                break
        await pilot.pause()
    assert written[0] == FIRST_CARDS
    assert written[-1] == 100


async def test_a_card_builds_its_rows_only_at_the_width_it_is_laid_out_at(
        make_test_app, monkeypatch) -> None:  # noqa: ANN001
    """A summary or the refresh state set on a card not laid out yet builds nothing: built
    then, at the least width (20), the rows were thrown away at the first layout."""
    from aiwatch.widgets.ticker_card import TickerCard

    widths: list[int] = []
    built = TickerCard._built

    def recording(card: TickerCard, width: int) -> object:
        widths.append(width)
        return built(card, width)

    monkeypatch.setattr(TickerCard, "_built", recording)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        cards = app.screen.cards
        assert len(cards) == 4 and all(card.summary is not None for card in cards)
    laid_out = {card.outer_size.width - card.styles.gutter.width for card in cards}
    assert widths and set(widths) == laid_out == {34, 35}


@pytest.mark.parametrize(("sort", "read_first"), [("list", 12), ("day", 100)])
async def test_a_long_list_reads_the_first_screenful_first(
        make_test_app, monkeypatch, sort: str, read_first: int) -> None:  # noqa: ANN001
    """In its own order, a 100-symbol list reads (cache, notes, summaries) only the tickers
    of the cards the first frame builds; the rest come in before their cards are built and
    before the fetch starts. Sorted by a figure, every ticker is read first (the order needs
    them all)."""
    from textual.app import App
    from watchlists import write_config

    from aiwatch.screens.watchlist import FIRST_CARDS

    write_config("tickers = [" + ", ".join(f'"{t}"' for t in MANY) + f']\nsort = "{sort}"\n')
    app = make_test_app()
    at_first_frame: list[tuple[int, int, int]] = []
    display = App._display

    def recording(self: App[None], screen: object, renderable: object) -> None:
        if (renderable is not None and not self._batch_count and not at_first_frame
                and isinstance(screen, WatchlistScreen)):
            at_first_frame.append((len(app.views), len(app.summaries), len(app.note_texts)))
        display(self, screen, renderable)  # type: ignore[arg-type]

    monkeypatch.setattr(App, "_display", recording)
    async with app.run_test(size=(160, 45)) as pilot:
        await all_cards_built(app, pilot)
        assert at_first_frame == [(read_first, read_first, read_first)]
        assert read_first in (FIRST_CARDS, len(MANY))
        assert list(app.views) == list(MANY)  # in the list's order, every one
        assert all(card.summary is not None for card in app.screen.cards)
        assert len(app.note_texts) == len(MANY)
