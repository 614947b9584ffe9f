"""Positions from the config valued on the cards and in the status bar; the FX pairs they
need; BABA against 9988.HK — figures worked by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from msgspec.structs import replace
from watchlists import write_config

from aiwatch.feed import base_views
from aiwatch.holdings import fx_pairs, holdings, portfolio_text
from aiwatch.model import Origin, Provenance, Quote
from aiwatch.positions import FxRate, FxTable
from aiwatch.sources.snapshot import load_snapshot
from aiwatch.store.config import Lot, Positions, config_from

WHEN = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def views():  # noqa: ANN201
    snapshot = load_snapshot()
    return base_views(snapshot, ("BABA", "AMZN", "MSFT", "GOOGL"))


def with_quote(views, ticker: str, price: float, previous: float, currency: str):  # noqa: ANN001, ANN201
    origin = Origin(Provenance.LIVE, WHEN)
    quote = Quote(ticker, price, previous, currency, WHEN, origin, "Asia/Hong_Kong")
    view = views.get(ticker) or next(iter(base_views(load_snapshot(), (ticker,)).values()))
    return {**views, ticker: replace(view, quote=quote)}


def config(lots: dict[str, tuple[Lot, ...]], base: str = "USD"):  # noqa: ANN201
    return replace(config_from({"base_currency": base}),
                   positions=Positions(tuple(lots.items())))


def test_a_usd_position_worked_by_hand(views) -> None:  # noqa: ANN001
    # bundled BABA: 164.32 USD, previous close 166.51
    held = holdings(config({"BABA": (Lot(10, 80.0, date(2025, 1, 2)),)}), views, FxTable())
    baba = held.positions["BABA"].local
    assert (baba.value, baba.cost) == pytest.approx((1643.20, 800.00))
    assert baba.day_pnl == pytest.approx(-21.90)  # 10 × (164.32 − 166.51)
    assert baba.total_pnl == pytest.approx(843.20)
    assert baba.total_pnl_pct == pytest.approx(105.40)
    assert portfolio_text(held.total) == (
        "portfolio 1,643.20 USD · day −21.90 (−1.32%) · total +843.20 (+105.40%)")


def test_a_hong_kong_line_needs_and_names_its_rate(views) -> None:  # noqa: ANN001
    listed = with_quote(views, "9988.HK", 152.30, 150.00, "HKD")
    lots = config({"9988.HK": (Lot(100, 140.0, date(2025, 3, 3)),)})
    assert fx_pairs(lots, listed) == ["HKDUSD=X"]
    missing = holdings(lots, listed, FxTable())
    assert missing.total.value is None
    assert portfolio_text(missing.total) == "portfolio: no total yet (no rate or price for HKD)"
    rate = FxRate("HKDUSD=X", 0.1285, WHEN)
    held = holdings(lots, listed, FxTable([rate]))
    # 100 × 152.30 HKD = 15,230 HKD × 0.1285 = 1,957.06 USD; cost 14,000 HKD = 1,799 USD
    assert held.total.value == pytest.approx(1957.055)
    assert held.total.total_pnl == pytest.approx(158.055)
    assert portfolio_text(held.total).endswith("· FX HKDUSD=X 0.1285 11-25 08:00")


def test_baba_against_the_hong_kong_line(views) -> None:  # noqa: ANN001
    listed = with_quote(with_quote(views, "9988.HK", 152.30, 150.0, "HKD"),
                        "BABA", 157.87, 155.0, "USD")
    assert "HKDUSD=X" in fx_pairs(config({}), listed)
    held = holdings(config({}), listed, FxTable([FxRate("HKDUSD=X", 1 / 7.785, WHEN)]))
    # implied: 152.30 × 8 / 7.785 = 156.5061 USD; premium 157.87 / 156.5061 − 1 = +0.87 %
    assert held.ads.implied_price == pytest.approx(156.5061, abs=1e-4)
    assert held.ads.premium_pct == pytest.approx(0.8715, abs=1e-3)
    assert held.positions == {} and held.total is None


async def test_the_card_and_status_bar_show_the_position(make_test_app, tmp_home: Path) -> None:
    write_config('[[positions.BABA]]\nquantity = 10\ncost = 80\ndate = 2025-01-02\n')
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert "portfolio 1,643.20 USD · day −21.90 (−1.32%)" in app.status
        card = app.screen.card_for("BABA")
        text = "\n".join(card.render_line(y).text for y in range(card.size.height))
        assert "Held" in text and "10 · 1,643.20 USD" in text
        assert "+843.20 +105.40%" in text
