"""At 100 tickers, applying what a refresh landed costs the event loop little at a time (issue
11: stall <= 50 ms): only the cards whose content changed repaint, the screen is laid out
again only when a card's height changes, the clock moving repaints only cards whose texts it
changes, and many landed tickers are applied a few per turn of the loop."""

from __future__ import annotations

from datetime import datetime, timedelta

from screen_states import FIXED_NOW
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


def watch_redraws(app) -> tuple[list[int], list[int]]:  # noqa: ANN001
    """Count the screen's layouts and whole-screen repaints from now on."""
    screen, layouts, full = app.screen, [], []
    layout, repaint = screen._refresh_layout, screen._compositor.render_full_update
    screen._refresh_layout = lambda *a, **kw: layouts.append(1) or layout(*a, **kw)
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
        for ticker in MANY:
            app.post_message(TickerFetched(FetchEvent(ticker, error="no network")))
        app.post_message(RefreshFinished(FetchEvent(done=True, message="no network"), MANY))
        for _ in range(200):
            await pilot.pause(0.05)
            if all(s.view.error for s in app.summaries.values()):
                break
        assert all(s.view.error == "no network" for s in app.summaries.values())
        assert max(applied) == APPLY_AT_ONCE
        assert sum(applied) == len(MANY)
        await pilot.pause()
        assert app.refresh_note == "no network"  # the final word, not a progress count
        assert "refreshing" not in app.status
