"""The app with Yahoo behind it (FakeYahoo at the HTTP-session level): paint first, refresh in
the background, keep the last good data, show where every price came from."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import FakeYahoo, fixture_quote, reset_yfinance
from curl_cffi.requests import exceptions as curl
from screen_states import FIXED_NOW

from aiwatch.model import Provenance


async def settle(app, pilot) -> None:  # noqa: ANN001
    """Let the refresh worker finish and its message land."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def badge(app, ticker: str) -> str:  # noqa: ANN001
    return str(app.screen.card_for(ticker).border_subtitle)


async def run_once(make_test_app, session: FakeYahoo, clock=lambda: FIXED_NOW,  # noqa: ANN001
                   **kwargs: object):  # noqa: ANN201
    app = make_test_app(session=session, clock=clock, **kwargs)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        return app, {t: s.figures.quote for t, s in app.summaries.items()}, badge(app, "AMZN")


# 10:30 New York on 2026-10-07: the session of the fixture charts' live quote (AMZN, MSFT, GOOGL
# at 10:00; their sourced bars end on 10-06)
IN_SESSION = datetime(2026, 10, 7, 14, 30, tzinfo=UTC)


async def test_first_run_paints_the_snapshot_then_goes_live(
    make_test_app, fake_yahoo: FakeYahoo, tmp_home: Path
) -> None:
    fake_yahoo.gate = threading.Event()  # Yahoo answers only once the first paint is seen
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.summaries["AMZN"].figures.quote.origin.kind is Provenance.SNAPSHOT
        fake_yahoo.gate.set()
        await settle(app, pilot)
        quote = app.summaries["AMZN"].figures.quote
        assert quote.origin.kind is Provenance.LIVE
        assert badge(app, "AMZN") == "live"
        assert quote.price == fixture_quote("AMZN")[0] != 256.29  # not the snapshot's close
        # BABA's fixture quote is of 2026-02-12: fetched now, but not a current price
        assert badge(app, "BABA") == "as of 2026-02-12"
        assert "prices fetched 14:30 UTC" in app.status
    assert (tmp_home / "cache" / "aiwatch" / "cache.sqlite3").is_file()
    assert not (tmp_home / ".cache" / "py-yfinance").exists()  # yfinance's caches are ours
    assert (tmp_home / "cache" / "aiwatch" / "yfinance").is_dir()


async def test_a_fetched_price_from_an_old_session_is_not_live(
    make_test_app, fake_yahoo: FakeYahoo
) -> None:
    """Fetched at 2026-11-25 10:00 New York, but Yahoo's last price is of 2026-10-07."""
    app, quotes, amzn = await run_once(make_test_app, fake_yahoo)
    assert quotes["AMZN"].origin.kind is Provenance.LIVE
    assert amzn == "as of 2026-10-07"
    assert app.summaries["AMZN"].price_day == date(2026, 10, 7)
    assert not app.summaries["AMZN"].price_current


async def test_second_run_without_network_shows_cached_values_with_their_age(
    make_test_app, fake_yahoo: FakeYahoo
) -> None:
    _, first_quotes, _ = await run_once(make_test_app, fake_yahoo, clock=lambda: IN_SESSION)
    reset_yfinance()
    offline = FakeYahoo()
    offline.error = lambda: curl.DNSError("Could not resolve host: fc.yahoo.com", 6)
    later = IN_SESSION + timedelta(hours=3)
    app = make_test_app(session=offline, clock=lambda: later)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        quote = app.summaries["AMZN"].figures.quote
        assert quote.origin.kind is Provenance.CACHED
        assert quote.price == first_quotes["AMZN"].price
        assert badge(app, "AMZN") == "cached 3 h ago"
        assert "no network" in app.status
        assert app.summaries["AMZN"].view.error == "no network"


async def test_a_card_error_clears_once_its_ticker_is_fetched_again(
    make_test_app, fake_yahoo: FakeYahoo
) -> None:
    """The rule feed.with_errors held before fetching moved to its own process: a ticker
    fetched without error loses the error of an earlier refresh."""
    fake_yahoo.error = lambda: curl.DNSError("Could not resolve host: fc.yahoo.com", 6)
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert app.summaries["AMZN"].view.error == "no network"
        fake_yahoo.error = None
        await pilot.press("r")  # r tries once even during the network back-off
        await settle(app, pilot)
        assert app.summaries["AMZN"].view.error == ""
        assert badge(app, "AMZN") == "live"


async def test_offline_flag_never_asks(make_test_app, fake_yahoo: FakeYahoo) -> None:
    await run_once(make_test_app, fake_yahoo)
    asked = len(fake_yahoo.seen)
    app = make_test_app(session=fake_yahoo, offline=True,
                        clock=lambda: FIXED_NOW + timedelta(days=2))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert app.summaries["MSFT"].figures.quote.origin.kind is Provenance.CACHED
        assert app.status.startswith("offline · cached prices")
    assert len(fake_yahoo.seen) == asked


async def test_a_fresh_cache_makes_no_request_and_r_forces_one(
    make_test_app, fake_yahoo: FakeYahoo
) -> None:
    await run_once(make_test_app, fake_yahoo)
    asked = len(fake_yahoo.seen)
    app = make_test_app(session=fake_yahoo, clock=lambda: FIXED_NOW + timedelta(minutes=1))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert len(fake_yahoo.seen) == asked  # everything was fresh
        await pilot.press("r")
        await settle(app, pilot)
        assert fake_yahoo.count("/v8/finance/chart/") > 0
        assert len(fake_yahoo.seen) > asked


async def test_refresh_flag_ignores_freshness(make_test_app, fake_yahoo: FakeYahoo) -> None:
    await run_once(make_test_app, fake_yahoo)
    charts = fake_yahoo.count("/v8/finance/chart/")
    await run_once(make_test_app, fake_yahoo, force_refresh=True)
    assert fake_yahoo.count("/v8/finance/chart/") > charts


async def test_rate_limit_is_shown_and_snapshot_data_stays(
    make_test_app, fake_yahoo: FakeYahoo
) -> None:
    fake_yahoo.status = 429
    app, quotes, amzn_badge = await run_once(make_test_app, fake_yahoo)
    assert "rate limit" in app.status
    assert quotes["AMZN"].origin.kind is Provenance.SNAPSHOT
    assert amzn_badge == "snapshot · 2026-10-06"


async def test_unknown_ticker_gets_a_card_that_says_so(
    make_test_app, fake_yahoo: FakeYahoo, tmp_home: Path
) -> None:
    (tmp_home / "config" / "aiwatch").mkdir(parents=True)
    (tmp_home / "config" / "aiwatch" / "config.toml").write_text(
        'tickers = ["AMZN", "ZZZZ"]\n')
    app, quotes, _ = await run_once(make_test_app, fake_yahoo)
    assert quotes["AMZN"].origin.kind is Provenance.LIVE
    assert quotes["ZZZZ"] is None
    assert "unknown symbol ZZZZ" in app.summaries["ZZZZ"].view.error


def fill_cache(session: FakeYahoo) -> None:
    """A first session that fetched everything at FIXED_NOW, as the app's refresher does."""
    from aiwatch import locations
    from aiwatch.refresh import Refresher
    from aiwatch.sources.yahoo import YahooSource
    from aiwatch.store.cache import Cache

    cache = Cache(locations.cache_file())
    source = YahooSource(locations.yfinance_cache_dir(), session=session,
                         clock=lambda: IN_SESSION)
    assert Refresher(cache, source, lambda: IN_SESSION).refresh(
        ["BABA", "AMZN", "MSFT", "GOOGL"]).message == ""
    cache.close()
    reset_yfinance()


@pytest.mark.parametrize("state", ["live", "cached", "error"])
def test_card_states_snapshot(snap_compare, make_test_app, fake_yahoo: FakeYahoo,
                              state: str) -> None:
    """live: fetched now; cached: fetched 5 h ago, no network now; error: never fetched,
    Yahoo answers 429."""
    if state == "cached":
        fill_cache(fake_yahoo)
        fake_yahoo.error = lambda: curl.DNSError("Could not resolve host", 6)
    if state == "error":
        fake_yahoo.status = 429
    later = IN_SESSION + timedelta(hours=5 if state == "cached" else 0)
    app = make_test_app(session=fake_yahoo, clock=lambda: later)

    async def wait(pilot) -> None:  # noqa: ANN001
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, run_before=wait, terminal_size=(160, 45))


async def test_a_corrupt_cache_is_reported_and_the_app_still_starts(
    make_test_app, tmp_home: Path
) -> None:
    cache_file = tmp_home / "cache" / "aiwatch" / "cache.sqlite3"
    cache_file.parent.mkdir(parents=True)
    cache_file.write_bytes(b"\x00garbage" * 200)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert "cache was unreadable: moved aside" in app.status
        assert app.summaries["AMZN"].figures.quote.origin.kind is Provenance.SNAPSHOT
    assert list(cache_file.parent.glob("cache.sqlite3.corrupt-*"))


def test_detail_with_live_data_snapshot(snap_compare, make_test_app,
                                        fake_yahoo: FakeYahoo) -> None:
    """Live price with its market time; live earnings merged over the snapshot's quarters."""
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)

    async def wait_then_open(pilot) -> None:  # noqa: ANN001
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("l", "enter")
        await pilot.pause()

    assert snap_compare(app, run_before=wait_then_open, terminal_size=(140, 45))


@pytest.mark.probe(50)
async def test_quit_does_not_wait_for_a_hung_refresh(make_test_app, fake_yahoo: FakeYahoo) -> None:
    release = threading.Event()
    asked = threading.Event()

    def hang() -> Exception:
        asked.set()
        release.wait(30)  # a connection accepted and never answered
        return curl.Timeout("Operation timed out", 28)

    fake_yahoo.error = hang
    app = make_test_app(session=fake_yahoo)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await asyncio.to_thread(asked.wait, 10)
            assert "refreshing" in app.status
            await pilot.press("q")
        refresh_threads = [t for t in threading.enumerate() if t.name == "aiwatch-refresh"]
        assert refresh_threads and all(t.daemon and t.is_alive() for t in refresh_threads)
        assert not app.is_running  # the app ended while the refresh was still stuck
    finally:
        release.set()
        for thread in threading.enumerate():  # let it finish inside this test
            if thread.name == "aiwatch-refresh":
                thread.join(10)


@pytest.mark.parametrize(("when", "more_refreshes"), [
    (FIXED_NOW, True),                        # Wednesday 10:00 in New York: market open
    (datetime(2026, 11, 28, 15, 0, tzinfo=UTC), False),  # Saturday: prices do not move
])
async def test_auto_refresh_runs_only_while_the_market_is_open(
    make_test_app, fake_yahoo: FakeYahoo, tmp_home: Path, when: datetime, more_refreshes: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("aiwatch.store.config.MIN_REFRESH_MINUTES", 0.001)  # no minute waits
    (tmp_home / "config" / "aiwatch").mkdir(parents=True)
    (tmp_home / "config" / "aiwatch" / "config.toml").write_text("refresh_minutes = 0.002\n")
    app = make_test_app(session=fake_yahoo, clock=lambda: when)
    calls = []
    refresher = app.services.fetcher.refresher  # the in-process fetcher's
    real_refresh = refresher.refresh

    def counting(tickers, force=False, **kwargs):  # noqa: ANN001, ANN003, ANN202
        calls.append(force)
        return real_refresh(tickers, force, **kwargs)

    refresher.refresh = counting  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.pause(1.0)  # the interval is 0.12 s
        await settle(app, pilot)
    assert (len(calls) > 1) is more_refreshes
    assert calls[0] is False  # the first refresh respects the cache's freshness
