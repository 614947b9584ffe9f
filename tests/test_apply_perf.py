"""At 100 tickers, applying what a refresh landed costs the event loop little at a time (issue
11: stall <= 50 ms): only the cards whose content changed repaint, the screen is laid out
again only when a card's height changes, the clock moving repaints only cards whose texts it
changes, and many landed tickers are applied a few per turn of the loop. While a refresh runs
the cards hold their heights (a card without data keeps the rows its data will fill), so what
lands lays nothing out; a card that got shorter takes its height once the refresh is shown."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta

from conftest import FakeYahoo
from msgspec.structs import replace
from screen_states import FIXED_NOW
from test_live_app import IN_SESSION
from test_symbols import card_text
from watchlists import MANY, all_cards_built, write_tickers

from aiwatch import locations
from aiwatch.app import APPLY_AT_ONCE, APPLY_EVERY
from aiwatch.messages import RefreshFinished, TickerFetched
from aiwatch.model import Origin, Provenance, Quote
from aiwatch.refresh import FetchEvent
from aiwatch.store.cache import Cache

FETCHED = FIXED_NOW - timedelta(hours=3)


class Clock:
    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


def cache_quote(price: float) -> None:
    """MSFT's quote in the cache, as a fetch three hours ago wrote it."""
    cache = Cache(locations.cache_file())
    cache.put_quote(Quote("MSFT", price, 525.18, "USD", FETCHED, Origin(Provenance.LIVE, FETCHED),
                          "America/New_York"))
    cache.close()


def watch_redraws(app) -> tuple[list[bool], list[int]]:  # noqa: ANN001
    """Count the screen's layouts (each noted as whether a refresh was still being shown then)
    and whole-screen repaints from now on."""
    screen, layouts, full = app.screen, [], []
    layout, repaint = screen._refresh_layout, screen._compositor.render_full_update
    screen._refresh_layout = lambda *a, **kw: layouts.append(app.refreshing) or layout(*a, **kw)
    screen._compositor.render_full_update = lambda **kw: full.append(1) or repaint(**kw)
    return layouts, full


async def land(app, pilot, *events: FetchEvent) -> None:  # noqa: ANN001
    for event in events:
        app.post_message(TickerFetched(event))
    await pilot.pause(APPLY_EVERY * 3)
    await pilot.pause()


async def test_a_landed_price_repaints_its_card_alone_and_lays_out_nothing(
        make_test_app, renders) -> None:
    write_tickers(MANY)
    cache_quote(530.0)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await all_cards_built(app, pilot)
        layouts, full = watch_redraws(app)
        renders.clear()
        cache_quote(531.5)
        await land(app, pilot, FetchEvent("MSFT", part="quote"))
        assert app.summaries["MSFT"].figures.quote.price == 531.5
        assert app.screen.card_for("MSFT").border_subtitle == "live"
        assert renders == {"MSFT": 1}
        assert layouts == [] and full == []
        # a failure adds a line to the card: its height changed, so the screen is laid out
        await land(app, pilot, FetchEvent("AMZN", error="no network"))
        assert app.summaries["AMZN"].view.error == "no network"
        assert renders == {"MSFT": 1, "AMZN": 1}
        assert len(layouts) == 1 and full == []


async def test_the_clock_repaints_only_cards_whose_texts_it_changes(
        make_test_app, renders) -> None:
    write_tickers(MANY)
    cache_quote(530.0)
    clock = Clock()
    app = make_test_app(clock=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await all_cards_built(app, pilot)
        card = app.screen.card_for("MSFT")
        assert card.border_subtitle == "cached 3 h ago"
        layouts, full = watch_redraws(app)
        renders.clear()
        clock.now += timedelta(minutes=10)
        app.now = clock.now  # as the minute tick and every apply set it
        await pilot.pause()
        assert renders == {}  # every card reads as before
        clock.now += timedelta(hours=1)
        app.now = clock.now
        await pilot.pause()
        assert card.border_subtitle == "cached 4 h ago"
        assert renders == {"MSFT": 1}
        assert layouts == [] and full == []


async def land_all_failed(app, pilot) -> None:  # noqa: ANN001
    """Every ticker of MANY lands with an error, then the refresh ends; waits until all show."""
    for ticker in MANY:
        app.post_message(TickerFetched(FetchEvent(ticker, error="no network")))
    app.post_message(RefreshFinished(FetchEvent(done=True, message="no network"), MANY))
    for _ in range(200):
        await pilot.pause(0.05)
        if all(s.view.error for s in app.summaries.values()):
            break


async def test_many_landed_tickers_are_applied_a_few_per_turn(make_test_app) -> None:
    write_tickers(MANY)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await all_cards_built(app, pilot)
        applied: list[int] = []
        summarise = app._summarise

        def counted() -> None:
            before = app.summaries
            summarise()
            applied.append(sum(s is not before.get(t) for t, s in app.summaries.items()))

        app._summarise = counted
        await land_all_failed(app, pilot)
        assert all(s.view.error == "no network" for s in app.summaries.values())
        assert max(applied) == APPLY_AT_ONCE
        assert sum(applied) == len(MANY)
        await pilot.pause()
        assert app.refresh_note == "no network"  # the final word, not a progress count
        assert "refreshing" not in app.status


async def test_while_many_tickers_land_the_cards_clock_moves_once_a_second(
        make_test_app) -> None:
    """Each move of the clock has every card work out its texts from the time (~5 ms a turn
    at 100 cards): while a deep queue of landed tickers is shown a few per turn, the clock
    the cards read moves at most once a second, and to the last reading with the last batch."""
    readings: list[datetime] = []

    def ticking() -> datetime:  # 100 ms later at each reading
        readings.append(FIXED_NOW + timedelta(seconds=0.1 * len(readings)))
        return readings[-1]

    write_tickers(MANY)
    app = make_test_app(clock=ticking)
    async with app.run_test(size=(160, 45)) as pilot:
        await all_cards_built(app, pilot)
        moves: list[datetime] = []

        def moved(now: datetime) -> None:
            moves.append(now)

        app.screen.watch(app, "now", moved, init=False)
        await land_all_failed(app, pilot)
        await pilot.pause()
        assert all(s.view.error == "no network" for s in app.summaries.values())
        batches = len(MANY) // APPLY_AT_ONCE
        assert 2 <= len(moves) <= batches / 5
        assert all(later - earlier >= timedelta(seconds=1)
                   for earlier, later in zip(moves[:-2], moves[1:-1], strict=True))
        assert app.now == moves[-1] == readings[-1] and app.screen.cards[0].now == app.now


class HeldFetch:
    """A fetch that reports nothing itself: the test posts what lands, and when it is done."""

    def __init__(self) -> None:
        self.over = asyncio.Event()

    async def run(self, tickers: Sequence[str], force: bool, fx: Sequence[str] = (),
                  history: str = "1y") -> AsyncIterator[FetchEvent]:
        await self.over.wait()
        return
        yield  # an async generator, as the real fetchers are


async def test_a_card_that_gets_shorter_while_a_refresh_runs_keeps_its_height_till_the_end(
        make_test_app) -> None:
    app = make_test_app()  # MSFT, AMZN, GOOGL, BABA from the snapshot
    fetch = HeldFetch()
    app.services = replace(app.services, fetcher=fetch)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.refreshing
        card = app.screen.card_for("AMZN")
        layouts, _ = watch_redraws(app)
        rows = card.get_content_height(card.size, card.size, card.content_size.width)
        await land(app, pilot, FetchEvent("AMZN", error="no network"))  # one line more
        assert len(layouts) == 1
        assert card.get_content_height(card.size, card.size, card.content_size.width) == rows + 1
        await land(app, pilot, FetchEvent("AMZN", part="quote"))  # the line goes: held
        assert app.summaries["AMZN"].view.error == ""
        assert len(layouts) == 1
        assert card.get_content_height(card.size, card.size, card.content_size.width) == rows + 1
        app.post_message(RefreshFinished(FetchEvent(done=True), app.tickers))
        await pilot.pause(APPLY_EVERY * 3)
        await pilot.pause()
        assert not app.refreshing
        assert layouts == [True, False]  # once more, when the refresh was all shown
        assert card.get_content_height(card.size, card.size, card.content_size.width) == rows
        fetch.over.set()


async def test_a_cold_refresh_lays_the_screen_out_only_once_it_is_all_shown(
        make_test_app, fake_yahoo: FakeYahoo) -> None:
    """Cards without data hold the rows their price and earnings fill once fetched, so the
    screen (every card) is laid out at most once, at the end, if a card ended shorter."""
    names = [f"{t}{n}" for n in range(3) for t in ("AMZN", "BABA", "GOOGL", "MSFT")]
    for name in names:  # unknown symbols, answered with a fixture ticker's files
        fake_yahoo.alias[name] = name[:-1]
    write_tickers(("MSFT", "AMZN", "GOOGL", "BABA", *names))
    fake_yahoo.gate = threading.Event()
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await all_cards_built(app, pilot)
            text = card_text(app, "AMZN0")
            assert "fetching price…" in text and "fetching earnings…" in text
            assert "no price data" not in text
            layouts, _ = watch_redraws(app)
            fake_yahoo.gate.set()
            await app.workers.wait_for_complete()
            for _ in range(100):
                await pilot.pause(0.05)
                if not app.refreshing:
                    break
            await pilot.pause(0.1)
            assert "refreshing" not in app.status
            assert app.summaries["AMZN0"].figures.quarter is not None
            assert "fetching" not in card_text(app, "AMZN0")
            assert True not in layouts  # nothing laid out while results landed
            assert len(layouts) <= 1
    finally:
        fake_yahoo.gate.set()


async def test_the_app_hears_once_when_the_home_screen_has_built_all_its_cards(
        make_test_app, monkeypatch) -> None:
    """Then (in a terminal) it takes them out of the collector's full passes, as it did what
    the first frame built: one such pass visits every card while a cold refresh lands."""
    write_tickers(MANY)
    app = make_test_app()
    built: list[int] = []
    monkeypatch.setattr(type(app), "cards_built", lambda self: built.append(len(self.screen.cards)))
    async with app.run_test(size=(160, 45)) as pilot:
        await all_cards_built(app, pilot)
        await pilot.pause()
        assert built == [len(MANY)]


async def test_a_card_whose_fetch_failed_stops_saying_fetching_and_holds_its_height(
        make_test_app) -> None:
    write_tickers(("MSFT", "ZZZ"))  # ZZZ: no data anywhere yet
    app = make_test_app()
    fetch = HeldFetch()
    app.services = replace(app.services, fetcher=fetch)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        card = app.screen.card_for("ZZZ")
        assert "fetching price…" in card_text(app, "ZZZ")
        height = card.size.height
        layouts, _ = watch_redraws(app)
        await land(app, pilot, FetchEvent("ZZZ", error="no network"))
        text = card_text(app, "ZZZ")
        assert "no price data" in text and "⚠ no network" in text and "fetching" not in text
        assert layouts == [] and card.size.height == height  # shorter, but held
        app.post_message(RefreshFinished(FetchEvent(done=True, message="no network"), app.tickers))
        await pilot.pause(APPLY_EVERY * 3)
        await pilot.pause()
        assert layouts == [False]
        fetch.over.set()
