"""A refresh as the user sees it: each card goes live as its price lands, long lists say how far
the refresh got, and quitting ends the fetch process at once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from pathlib import Path

from conftest import FakeYahoo, fixture_quote
from msgspec.structs import replace
from test_fetch import child_env
from test_live_app import IN_SESSION
from watchlists import write_tickers

from aiwatch.fetcher import SubprocessFetcher
from aiwatch.model import Provenance

PRICE_PATHS = ("/v8/finance/chart/", "/v7/finance/quote", "/spark")
SESSION_PATHS = ("fc.yahoo.com", "/getcrumb")
HANGING_FETCH = Path(__file__).parent / "hanging_fetch.py"


def hold_fundamentals(yahoo: FakeYahoo) -> threading.Event:
    """Every request that is not for a price (or Yahoo's cookie) waits for the event."""
    release = threading.Event()
    answer = yahoo._answer

    def held(url: str, *args: object) -> object:
        if not any(p in url for p in PRICE_PATHS + SESSION_PATHS):
            release.wait(20)
        return answer(url, *args)

    yahoo._answer = held  # type: ignore[method-assign]
    return release


async def until(condition, pilot, seconds: float = 15) -> None:  # noqa: ANN001
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the condition never held")


async def test_a_card_goes_live_before_the_last_fundamentals_arrive(
        make_test_app, fake_yahoo: FakeYahoo) -> None:
    release = hold_fundamentals(fake_yahoo)
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await until(lambda: app.summaries["AMZN"].figures.quote.origin.kind
                        is Provenance.LIVE, pilot)
            await pilot.pause()
            card = app.screen.card_for("AMZN")
            assert str(card.border_subtitle) == "live"
            assert app.summaries["AMZN"].figures.quote.price == fixture_quote("AMZN")[0]
            # no fundamentals answered yet: the quarters are still the snapshot's
            assert app.views["AMZN"].fundamentals.origin.kind is Provenance.SNAPSHOT
            assert "refreshing" in app.status
            release.set()
            await app.workers.wait_for_complete()
            await until(lambda: "refreshing" not in app.status, pilot)
            assert app.views["AMZN"].fundamentals.origin.kind is Provenance.LIVE
    finally:
        release.set()


async def test_a_long_list_shows_how_far_the_refresh_got(
        make_test_app, fake_yahoo: FakeYahoo, tmp_home: Path) -> None:
    tickers = ["BABA", "AMZN", "MSFT", "GOOGL", *(f"ZZ{i}" for i in range(8))]
    write_tickers(tickers)
    fake_yahoo.gate = threading.Event()
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            assert "refreshing 0/12" in app.status
            fake_yahoo.gate.set()
            await app.workers.wait_for_complete()
            await until(lambda: "refreshing" not in app.status, pilot)
            await until(lambda: app.views["ZZ0"].error == "unknown symbol ZZ0", pilot)
    finally:
        fake_yahoo.gate.set()


def fetch_children() -> list[int]:
    """This process's children running the hanging fetch."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == os.getpid() and fields[0] != "Z" and b"hanging_fetch" in cmdline:
            found.append(int(entry.name))
    return found


async def test_quitting_kills_the_fetch_process(make_test_app, tmp_home: Path) -> None:
    """A real child whose Yahoo never answers: `q` ends the app, and the child with it."""
    app = make_test_app(session=FakeYahoo())
    app.services = replace(app.services, fetcher=SubprocessFetcher(
        [sys.executable, str(HANGING_FETCH)], env=child_env()))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: bool(fetch_children()), pilot)
        children = fetch_children()
        await pilot.press("q")
    assert not app.is_running
    for _ in range(100):
        if not fetch_children():
            break
        await asyncio.sleep(0.05)
    left = fetch_children()
    for pid in left:  # a failing run leaves no hanging process behind
        os.kill(pid, signal.SIGKILL)
    assert children and left == []
