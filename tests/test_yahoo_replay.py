"""AIWATCH_YAHOO_REPLAY sends the app's Yahoo requests to the benchmarks' local replay."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import reset_yfinance

from aiwatch.sources.yahoo import PriceData, YahooSource
from aiwatch.sources.yahoo_wire import REPLAY_ENV

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from yahoo_replay import Replay  # noqa: E402

NOW = datetime(2026, 10, 7, 15, 0, tzinfo=UTC)


@pytest.fixture
def replay(monkeypatch: pytest.MonkeyPatch) -> Iterator[Replay]:
    """The local replay, running, with the app's requests sent to it and no proxy between."""
    reset_yfinance()
    server = Replay().start()
    monkeypatch.setenv(REPLAY_ENV, server.base)
    for name in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        reset_yfinance()


@pytest.mark.allow_loopback
def test_requests_go_to_the_replay_with_any_symbol(tmp_path: Path, replay: Replay) -> None:
    prices = YahooSource(tmp_path / "yf", clock=lambda: NOW).fetch_prices(["T07"])
    data = prices["T07"]
    assert isinstance(data, PriceData)
    assert data.quote.ticker == "T07" and data.quote.price > 0
    assert replay.counts["v8/finance/chart"] == 1


@pytest.mark.allow_loopback
def test_the_replay_sets_yahoos_cookie_so_it_is_asked_for_once(
        tmp_path: Path, replay: Replay) -> None:
    """As with Yahoo: one cookie and one crumb for the process, then only data requests."""
    source = YahooSource(tmp_path / "yf", clock=lambda: NOW)
    prices = source.fetch_prices(["T07", "T08", "T09"])
    fundamentals = source.fetch_fundamentals("T07")
    assert all(isinstance(p, PriceData) for p in prices.values())
    assert fundamentals.quarters
    assert dict(replay.counts) == {
        "fc.yahoo.com": 1, "v1/test/getcrumb": 1, "v8/finance/chart": 3,
        "v10/finance/quoteSummary": 1, "ws/fundamentals-timeseries/v1": 1,
        "calendar/earnings": 1}
