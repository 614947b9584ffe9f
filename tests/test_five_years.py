"""The detail's 5Y: asked for once the history ends at a year, fetched apart from the refresh,
kept when the next refresh brings one year again."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta

from conftest import YAHOO_FIXTURES, FakeYahoo
from test_live_app import IN_SESSION, settle

from aiwatch.model import Origin, PriceHistory, Provenance
from aiwatch.refresh import longer_history
from aiwatch.store.cache import Cache

ORIGIN = Origin(Provenance.CACHED, datetime(2026, 1, 1, tzinfo=UTC))


def history(start: date, days: int, first: float, currency: str = "USD") -> PriceHistory:
    dates = tuple(start + timedelta(days=i) for i in range(days))
    return PriceHistory("AMZN", dates, tuple(first + i for i in range(days)), ORIGIN,
                        currency=currency)


def test_older_kept_closes_go_before_the_fetched_ones() -> None:
    kept = history(date(2021, 1, 1), 2000, 100.0)  # 2021-01-01 .. 2026-06-23
    fetched = history(date(2025, 7, 1), 400, 900.0)
    merged = longer_history(kept, fetched)
    assert merged.dates[0] == date(2021, 1, 1) and merged.dates[-1] == fetched.dates[-1]
    assert merged.closes[-400:] == fetched.closes  # the fetched ones win where both exist
    assert len(merged.dates) == len(set(merged.dates))
    assert longer_history(None, fetched) is fetched
    assert longer_history(history(date(2021, 1, 1), 10, 1.0, "CNY"), fetched) is fetched


def five_years(yahoo: FakeYahoo) -> None:
    """Yahoo's 5y chart of AMZN: the 1y fixture with four more years of made-up closes
    (test data, not sourced) in front."""
    one_year = json.loads((YAHOO_FIXTURES / "chart_AMZN_1y.json").read_bytes())
    answer = copy.deepcopy(one_year)
    result = answer["chart"]["result"][0]
    first = result["timestamp"][0]
    older = [first - 86400 * 7 * week for week in range(208, 0, -1)]  # weekly, 4 years
    result["timestamp"] = older + result["timestamp"]
    for series in (result["indicators"]["quote"][0], *result["indicators"].get("adjclose", [])):
        key = "close" if "close" in series else "adjclose"
        series[key] = [50.0 + i * 0.5 for i in range(len(older))] + series[key]
        for other in ("open", "high", "low", "volume"):
            if other in series:
                series[other] = [series[other][0]] * len(older) + series[other]
    body = json.dumps(answer).encode()
    answer_of = yahoo._answer

    def answering(url: str, host: str, path: str, query: dict[str, str]):  # noqa: ANN202
        if path == "/v8/finance/chart/AMZN" and query.get("range") == "5y":
            return yahoo._respond(url, 200, body, "application/json")
        return answer_of(url, host, path, query)

    yahoo._answer = answering  # type: ignore[method-assign]


async def test_t_past_a_year_fetches_five_and_5y_appears(make_test_app, fake_yahoo: FakeYahoo,
                                                         tmp_home) -> None:  # noqa: ANN001
    five_years(fake_yahoo)
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "enter")  # AMZN, 1Y
        await pilot.pause()
        await pilot.press("t")  # 1Y is the longest there is: five years are asked for
        for _ in range(100):
            await pilot.pause(0.05)
            history = app.views["AMZN"].history
            if history and history.dates[0] < date(2022, 1, 1):
                break
        assert fake_yahoo.count("/v8/finance/chart/AMZN", range="5y") == 1
        assert app.views["AMZN"].history.dates[0] < date(2022, 1, 1)
        seen = []
        for _ in range(5):
            await pilot.press("t")
            await pilot.pause()
            seen.append(str(app.screen.query_one("#chart").border_title))
        assert "Price · 5Y" in seen
    # the next refresh brings a year again: the older closes stay in the cache
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION + timedelta(days=1),
                        force_refresh=True)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
    cache = Cache(tmp_home / "cache" / "aiwatch" / "cache.sqlite3")
    assert cache.get_history("AMZN").dates[0] < date(2022, 1, 1)
