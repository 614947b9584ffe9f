"""Positions, P&L and FX against figures worked out by hand (written beside each assert)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest

from aiwatch.positions import (
    FxRate,
    FxTable,
    Lot,
    major_unit,
    portfolio,
    position,
)

WHEN = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
EARLIER = date(2026, 3, 2)
NO_FX = FxTable()


def usd(quantity: float, cost: float, day: date = EARLIER) -> Lot:
    return Lot(quantity, cost, day, "USD")


def hkd_usd(rate: float = 0.128) -> FxTable:
    return FxTable([FxRate("HKDUSD=X", rate, WHEN)])


def r2(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


# --- one symbol in its own currency ---------------------------------------------------------

def test_long_position_in_usd() -> None:
    # 10 BABA at 80 USD, last 95.50, previous close 94.00:
    # value 10 x 95.5 = 955.00; cost 800.00; day 10 x 1.5 = +15.00 = 15 / 940 = +1.60 %;
    # total 955 - 800 = +155.00 = 155 / 800 = +19.38 %
    p = position("BABA", [usd(10, 80)], 95.5, 94.0, "USD", NO_FX, "USD")
    a = p.local
    assert p.quantity == 10 and a.currency == "USD"
    assert (r2(a.value), r2(a.cost), r2(a.day_pnl), r2(a.day_pnl_pct)) == (955.0, 800.0, 15.0, 1.60)
    assert (r2(a.total_pnl), r2(a.total_pnl_pct)) == (155.0, 19.38)
    assert p.in_base == a and p.rates == () and p.missing_currencies == ()


def test_short_position_loses_when_the_price_rises() -> None:
    # -10 BABA sold at 80: value -955.00, cost -800.00; day -15.00 (-1.60 %),
    # total -155.00 of a base of |-800| = -19.38 %
    a = position("BABA", [usd(-10, 80)], 95.5, 94.0, "USD", NO_FX, "USD").local
    assert (r2(a.value), r2(a.day_pnl), r2(a.day_pnl_pct)) == (-955.0, -15.0, -1.60)
    assert (r2(a.total_pnl), r2(a.total_pnl_pct)) == (-155.0, -19.38)


def test_zero_quantity_has_amounts_but_no_percentages() -> None:
    # bought 10 at 80, sold 10 short at 90: nothing held, the 100.00 is what the two lots made;
    # no position to take a percentage of
    p = position("BABA", [usd(10, 80), usd(-10, 90)], 95.5, 94.0, "USD", NO_FX, "USD")
    a = p.local
    assert p.quantity == 0
    assert (r2(a.value), r2(a.cost), r2(a.total_pnl), r2(a.day_pnl)) == (0.0, -100.0, 100.0, 0.0)
    assert a.total_pnl_pct is None and a.day_pnl_pct is None


def test_no_lots_and_zero_cost_give_no_percentage() -> None:
    empty = position("BABA", [], 95.5, 94.0, "USD", NO_FX, "USD").local
    assert (empty.value, empty.cost, empty.total_pnl) == (0, 0, 0)
    assert empty.total_pnl_pct is None and empty.day_pnl_pct is None
    gift = position("BABA", [usd(10, 0)], 95.5, 94.0, "USD", NO_FX, "USD").local
    assert (r2(gift.total_pnl), gift.total_pnl_pct) == (955.0, None)  # zero cost: no %
    assert r2(gift.day_pnl_pct) == 1.60  # the day still has a base: 940.00


def test_lots_bought_on_the_price_day_count_from_their_cost() -> None:
    # 10 held since March (from the 94.00 close: +15.00) and 10 bought today at 95.00
    # (+0.50 each: +5.00): day +20.00 of 940 + 950 = 1890 -> +1.06 %
    lots = [usd(10, 80), usd(10, 95, date(2026, 11, 25))]
    today = position("BABA", lots, 95.5, 94.0, "USD", NO_FX, "USD", date(2026, 11, 25))
    assert (r2(today.local.day_pnl), r2(today.local.day_pnl_pct)) == (20.0, 1.06)
    undated = position("BABA", lots, 95.5, 94.0, "USD", NO_FX, "USD")
    assert r2(undated.local.day_pnl) == 30.0  # without the day: both from the close


@pytest.mark.parametrize("price", [None, 0.0, math.nan, -3.0])
def test_no_usable_price_leaves_value_and_pnl_empty(price: float | None) -> None:
    a = position("BABA", [usd(10, 80)], price, 94.0, "USD", NO_FX, "USD").local
    assert (a.value, a.day_pnl, a.total_pnl, a.total_pnl_pct) == (None, None, None, None)
    assert a.cost == 800.0


def test_no_previous_close_leaves_only_the_day_empty() -> None:
    a = position("BABA", [usd(10, 80)], 95.5, None, "USD", NO_FX, "USD").local
    assert (a.day_pnl, a.day_pnl_pct) == (None, None)
    assert r2(a.total_pnl) == 155.0


@pytest.mark.parametrize("bad", [
    dict(quantity=math.nan), dict(unit_cost=math.inf), dict(unit_cost=-1.0), dict(currency=""),
])
def test_a_lot_refuses_numbers_no_total_could_use(bad: dict) -> None:
    fields = dict(quantity=10.0, unit_cost=80.0, date=EARLIER, currency="USD") | bad
    with pytest.raises(ValueError):
        Lot(**fields)


# --- FX ----------------------------------------------------------------------------------------

def test_fx_direct_inverse_and_yahoo_short_pairs() -> None:
    direct = FxTable([FxRate("HKDUSD=X", 0.128, WHEN)]).conversion("HKD", "USD")
    assert direct is not None and direct.rate == 0.128 and direct.used[0].pair == "HKDUSD=X"
    # USDHKD 7.8: 780 HKD is 100.00 USD
    inverse = FxTable([FxRate("USDHKD=X", 7.8, WHEN)]).conversion("HKD", "USD")
    assert inverse is not None and round(780 * inverse.rate, 6) == 100.0
    # Yahoo's "HKD=X" is USD->HKD
    short = FxTable([FxRate("HKD=X", 7.8, WHEN)])
    assert short.conversion("USD", "HKD").rate == 7.8
    assert round(780 * short.conversion("HKD", "USD").rate, 6) == 100.0


def test_fx_through_usd_when_no_cross_pair_exists() -> None:
    # HKD -> USD 0.128, GBP -> USD 1.28: HKD -> GBP = 0.128 / 1.28 = 0.1
    table = FxTable([FxRate("HKDUSD=X", 0.128, WHEN), FxRate("GBPUSD=X", 1.28, WHEN)])
    via = table.conversion("HKD", "GBP")
    assert via is not None and round(via.rate, 9) == 0.1
    assert [fx.pair for fx in via.used] == ["HKDUSD=X", "GBPUSD=X"]
    assert table.conversion("HKD", "EUR") is None  # one leg missing: no rate, not a guess


def test_fx_ignores_bad_quotes_and_keeps_the_newest() -> None:
    later = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    table = FxTable([
        FxRate("EURUSD=X", math.nan, later), FxRate("JPYUSD=X", 0.0, WHEN),
        FxRate("CHF", 1.1, WHEN), FxRate("HKDUSD=X", 0.1283, later),
        FxRate("HKDUSD=X", 0.1280, WHEN),
    ])
    assert table.conversion("EUR", "USD") is None and table.conversion("JPY", "USD") is None
    assert table.conversion("CHF", "USD") is None
    newest = table.conversion("HKD", "USD")
    assert newest.rate == 0.1283 and newest.used[0].as_of == later
    same = table.conversion("USD", "USD")
    assert same.rate == 1.0 and same.used == ()


def test_minor_units_convert_to_their_major_currency() -> None:
    assert major_unit("GBp") == ("GBP", 100) and major_unit("ILA") == ("ILS", 100)
    assert major_unit("GBP") == ("GBP", 1)
    assert NO_FX.conversion("GBp", "GBP").rate == 0.01
    # 250 GBp at GBPUSD 1.25 = 2.50 GBP = 3.125 USD
    table = FxTable([FxRate("GBPUSD=X", 1.25, WHEN)])
    assert round(250 * table.conversion("GBp", "USD").rate, 9) == 3.125


def test_hkd_line_in_a_usd_base() -> None:
    # 200 x 9988.HK at HKD 120.00, last 152.30, previous 150.10, HKDUSD 0.128:
    # HKD: value 30,460.00, cost 24,000.00, total +6,460.00 (+26.92 %), day 200 x 2.20 = +440.00
    # (440 / 30,020 = +1.47 %); USD: value 3,898.88, cost 3,072.00, total +826.88, day +56.32
    lots = [Lot(200, 120.0, EARLIER, "HKD")]
    p = position("9988.HK", lots, 152.30, 150.10, "HKD", hkd_usd(), "USD")
    hk, us = p.local, p.in_base
    assert hk.currency == "HKD" and us.currency == "USD"
    assert (r2(hk.value), r2(hk.cost), r2(hk.total_pnl), r2(hk.total_pnl_pct)) == (
        30460.0, 24000.0, 6460.0, 26.92)
    assert (r2(hk.day_pnl), r2(hk.day_pnl_pct)) == (440.0, 1.47)
    assert (r2(us.value), r2(us.cost), r2(us.total_pnl), r2(us.day_pnl)) == (
        3898.88, 3072.0, 826.88, 56.32)
    assert (r2(us.total_pnl_pct), r2(us.day_pnl_pct)) == (26.92, 1.47)
    assert [fx.pair for fx in p.rates] == ["HKDUSD=X"] and p.cost_converted == ()


def test_cost_in_another_currency_converts_at_todays_rate_and_says_so() -> None:
    # 100 x 9988.HK paid 15.00 USD each; HKDUSD 0.128: cost 1,500 / 0.128 = 11,718.75 HKD;
    # value 15,230.00 HKD, total +3,511.25 HKD; in USD the cost is the 1,500.00 paid,
    # value 15,230 x 0.128 = 1,949.44, total +449.44
    p = position("9988.HK", [usd(100, 15.0)], 152.30, 150.10, "HKD", hkd_usd(), "USD")
    assert p.cost_converted == ("USD",)
    assert (r2(p.local.cost), r2(p.local.total_pnl)) == (11718.75, 3511.25)
    assert (r2(p.in_base.cost), r2(p.in_base.value), r2(p.in_base.total_pnl)) == (
        1500.0, 1949.44, 449.44)


def test_missing_rate_empties_the_base_figures_and_names_the_currency() -> None:
    p = position("9988.HK", [Lot(200, 120.0, EARLIER, "HKD")], 152.30, 150.10, "HKD", NO_FX,
                 "USD")
    assert p.in_base is None and p.missing_currencies == ("HKD",)
    assert r2(p.local.value) == 30460.0  # its own currency needs no rate
    # a lot in EUR on a USD line, no EURUSD: no cost, so no total P&L; value and day stand
    q = position("BABA", [Lot(10, 75.0, EARLIER, "EUR")], 95.5, 94.0, "USD", NO_FX, "USD")
    assert (q.local.cost, q.local.total_pnl, q.local.total_pnl_pct) == (None, None, None)
    assert (r2(q.local.value), r2(q.local.day_pnl)) == (955.0, 15.0)
    assert q.missing_currencies == ("EUR",)
    # both: a EUR lot on an HKD line, base USD, no rates at all -> both named
    both = position("9988.HK", [Lot(100, 15.0, EARLIER, "EUR")], 152.30, 150.10, "HKD", NO_FX,
                    "USD")
    assert both.missing_currencies == ("EUR", "HKD")


def test_pence_quote_and_lots_in_either_unit() -> None:
    # 12,345 GBp = 123.45 GBP, previous 12,300 GBp; lots 50 at 100.00 GBP and 50 at 11,000 GBp
    # (110.00 GBP): value 100 x 123.45 = 12,345.00 GBP, cost 5,000 + 5,500 = 10,500.00,
    # total +1,845.00 (+17.57 %), day 100 x 0.45 = +45.00 (45 / 12,300 = +0.37 %);
    # GBPUSD 1.25: value 15,431.25 USD
    lots = [Lot(50, 100.0, EARLIER, "GBP"), Lot(50, 11000.0, EARLIER, "GBp")]
    table = FxTable([FxRate("GBPUSD=X", 1.25, WHEN)])
    p = position("AZN.L", lots, 12345.0, 12300.0, "GBp", table, "USD")
    a = p.local
    assert a.currency == "GBP" and p.cost_converted == ()
    assert (r2(a.value), r2(a.cost), r2(a.total_pnl), r2(a.total_pnl_pct)) == (
        12345.0, 10500.0, 1845.0, 17.57)
    assert (r2(a.day_pnl), r2(a.day_pnl_pct)) == (45.0, 0.37)
    assert r2(p.in_base.value) == 15431.25


# --- the portfolio -----------------------------------------------------------------------------

def test_portfolio_total_in_the_base_currency_names_its_rates() -> None:
    # BABA: value 955.00, day +15.00 (base 940.00), total +155.00 (cost 800.00)
    # 9988.HK in USD: value 3,898.88, day +56.32 (base 30,020 x 0.128 = 3,842.56),
    # total +826.88 (cost 3,072.00)
    # sum: value 4,853.88; day +71.32 / 4,782.56 = +1.49 %; total +981.88 / 3,872 = +25.36 %
    fx = hkd_usd()
    positions = [
        position("BABA", [usd(10, 80)], 95.5, 94.0, "USD", fx, "USD"),
        position("9988.HK", [Lot(200, 120.0, EARLIER, "HKD")], 152.30, 150.10, "HKD", fx, "USD"),
    ]
    t = portfolio(positions, "USD")
    assert (r2(t.value), r2(t.day_pnl), r2(t.day_pnl_pct)) == (4853.88, 71.32, 1.49)
    assert (r2(t.total_pnl), r2(t.total_pnl_pct)) == (981.88, 25.36)
    assert [(fx.pair, fx.rate, fx.as_of) for fx in t.rates] == [("HKDUSD=X", 0.128, WHEN)]
    assert t.missing_currencies == () and t.incomplete == ()


def test_portfolio_without_a_rate_gives_no_total_and_says_why() -> None:
    positions = [
        position("BABA", [usd(10, 80)], 95.5, 94.0, "USD", NO_FX, "USD"),
        position("9988.HK", [Lot(200, 120.0, EARLIER, "HKD")], 152.30, 150.10, "HKD", NO_FX,
                 "USD"),
    ]
    t = portfolio(positions, "USD")
    assert (t.value, t.day_pnl, t.total_pnl, t.total_pnl_pct) == (None, None, None, None)
    assert t.missing_currencies == ("HKD",) and t.incomplete == ("9988.HK",)


def test_portfolio_refuses_positions_in_another_base() -> None:
    eur = position("BABA", [usd(10, 80)], 95.5, 94.0, "USD",
                   FxTable([FxRate("EURUSD=X", 1.16, WHEN)]), "EUR")
    with pytest.raises(ValueError):
        portfolio([eur], "USD")
