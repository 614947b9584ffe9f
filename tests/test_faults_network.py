"""Network faults (fault probe cases 30, 50-53): Yahoo down is asked rarely, never in a loop.

Real Refresher, Cache, YahooSource and yfinance; Yahoo is FakeYahoo (conftest) failing every
request; the clock is a fake one advanced by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import FakeYahoo
from curl_cffi.requests import exceptions as curl

from aiwatch.refresh import Refresher
from aiwatch.sources.yahoo import YahooSource
from aiwatch.store.cache import Cache

TICKERS = ["BABA", "AMZN", "MSFT", "GOOGL"]
DNS = lambda: curl.DNSError("Could not resolve host: fc.yahoo.com", 6)  # noqa: E731
TIMEOUT = lambda: curl.Timeout("Operation timed out after 5001 ms", 28)  # noqa: E731


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(fixed_now: datetime) -> Clock:
    return Clock(fixed_now)


@pytest.fixture
def down(fake_yahoo: FakeYahoo, clock: Clock, tmp_home: Path) -> Iterator[Refresher]:
    """A refresher whose Yahoo has no network at all."""
    fake_yahoo.error = DNS
    cache = Cache(tmp_home / "cache" / "aiwatch" / "cache.sqlite3")
    yield Refresher(cache, YahooSource(tmp_home / "cache" / "aiwatch" / "yfinance",
                                       session=fake_yahoo, clock=clock), clock)
    cache.close()


def attempts(refresher: Refresher, fake: FakeYahoo, clock: Clock, every: timedelta,
             over: timedelta) -> list[int]:
    """Refresh every `every` for `over`; the request count after each refresh that asked."""
    counts, end = [], clock.now + over
    while clock.now < end:
        before = len(fake.seen)
        refresher.refresh(TICKERS)
        if len(fake.seen) > before:
            counts.append(len(fake.seen))
        clock.now += every
    return counts


@pytest.mark.probe(30)
def test_a_refresh_loop_against_a_dead_network_asks_once_then_backs_off(
        down: Refresher, fake_yahoo: FakeYahoo, clock: Clock) -> None:
    # The probe: refresh_minutes = 0.001 refreshed every 0.06 s, ~20 requests a second.
    asked = attempts(down, fake_yahoo, clock, timedelta(seconds=0.06), timedelta(seconds=10))

    assert len(asked) == 1  # 166 runs asked before the back-off on network errors


@pytest.mark.probe(30)
def test_the_network_back_off_doubles_to_fifteen_minutes(
        down: Refresher, fake_yahoo: FakeYahoo, clock: Clock) -> None:
    start = clock.now
    tried_at = []
    for _ in range(60):  # an hour, once a minute (the floor of refresh_minutes)
        before = len(fake_yahoo.seen)
        down.refresh(TICKERS)
        if len(fake_yahoo.seen) > before:
            tried_at.append((clock.now - start) / timedelta(minutes=1))
        clock.now += timedelta(minutes=1)

    # waits of 1, 2, 4, 8, 15, 15 minutes
    assert tried_at == [0, 1, 3, 7, 15, 30, 45]


@pytest.mark.probe(30)
def test_during_the_back_off_the_status_says_why_and_when(down: Refresher, clock: Clock) -> None:
    first = down.refresh(TICKERS)
    clock.now += timedelta(seconds=20)
    skipped = down.refresh(TICKERS)

    assert first.message == "no network"
    assert first.backoff_until == clock.now + timedelta(seconds=40)
    assert skipped.message == "no network — next try in 40 s"
    assert dict(skipped.errors) == {} and not skipped.quotes


@pytest.mark.probe(30)
def test_a_timeout_backs_off_too(down: Refresher, fake_yahoo: FakeYahoo, clock: Clock) -> None:
    fake_yahoo.error = TIMEOUT
    assert down.refresh(TICKERS).message == "timed out after 5 s"
    asked = len(fake_yahoo.seen)
    clock.now += timedelta(seconds=59)

    assert down.refresh(TICKERS).message == "timed out after 5 s — next try in 1 s"
    assert len(fake_yahoo.seen) == asked


@pytest.mark.probe(30)
def test_r_still_tries_once_during_a_network_back_off(
        down: Refresher, fake_yahoo: FakeYahoo, clock: Clock) -> None:
    down.refresh(TICKERS)
    asked = len(fake_yahoo.seen)
    clock.now += timedelta(seconds=10)

    forced = down.refresh(TICKERS, force=True)

    assert len(fake_yahoo.seen) > asked
    assert forced.message == "no network"
    # It failed again, so the back-off grew: 120 s from now.
    assert forced.backoff_until == clock.now + timedelta(seconds=120)


@pytest.mark.probe(30)
def test_success_ends_the_back_off(down: Refresher, fake_yahoo: FakeYahoo, clock: Clock) -> None:
    for _ in range(3):  # three failures: the next wait would be 8 min
        down.refresh(TICKERS, force=True)
    fake_yahoo.error = None

    ok = down.refresh(TICKERS, force=True)
    fake_yahoo.error = DNS
    clock.now += timedelta(hours=1)
    again = down.refresh(TICKERS, force=True)

    assert ok.message == "" and ok.backoff_until is None and list(ok.quotes) == TICKERS
    assert again.backoff_until == clock.now + timedelta(seconds=60)


@pytest.mark.probe(53)
def test_r_never_overrides_a_rate_limit(down: Refresher, fake_yahoo: FakeYahoo,
                                       clock: Clock) -> None:
    fake_yahoo.error, fake_yahoo.status = None, 429
    down.refresh(TICKERS)
    asked = len(fake_yahoo.seen)
    for _ in range(5):
        clock.now += timedelta(seconds=5)
        assert down.refresh(TICKERS, force=True).message.startswith("Yahoo rate limit (429)")

    assert len(fake_yahoo.seen) == asked


class GarbledYahoo(FakeYahoo):
    """Yahoo answering HTTP 200 with `body` to every data request (cookie and crumb work)."""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body

    def _answer(self, url: str, host: str, path: str, query: dict[str, str]):  # noqa: ANN202
        if host == "fc.yahoo.com" or path.endswith("/getcrumb"):
            return super()._answer(url, host, path, query)
        return self._respond(url, 200, self.body)


@pytest.mark.probe(52)
@pytest.mark.parametrize("body", [
    b"<html><body>Service unavailable</body></html>", bytes(range(256)) * 8,
    b'{"chart":{"result":[{"meta":{"currency":"USD"', b"", b"{}",
    b'{"chart":{"result":null,"error":null}}',
], ids=["html", "random", "truncated", "empty", "object", "null-result"])
def test_an_answer_that_is_not_yahoos_is_a_message_and_the_data_stays(
        body: bytes, clock: Clock, tmp_home: Path, fixed_now: datetime) -> None:
    from conftest import reset_yfinance

    from aiwatch.model import Origin, Provenance, Quote

    reset_yfinance()
    session = GarbledYahoo(body)
    cache = Cache(tmp_home / "cache" / "aiwatch" / "cache.sqlite3")
    kept = Quote("MSFT", 501.0, 500.0, "USD", fixed_now, Origin(Provenance.LIVE, fixed_now))
    cache.put_quote(kept)
    refresher = Refresher(cache, YahooSource(tmp_home / "cache" / "aiwatch" / "yfinance",
                                             session=session, clock=clock), clock)

    outcome = refresher.refresh(["MSFT"], force=True)

    assert outcome.message.startswith("Yahoo answer not understood (")
    assert not outcome.quotes and "MSFT" in outcome.errors
    assert refresher.cached(["MSFT"])["MSFT"].quote.price == 501.0
    cache.close()
    session.close()
    reset_yfinance()
