"""What the user owns: lots, market value, day and total P&L, in the quote's currency and in the
user's base currency, and the portfolio's total. Pure arithmetic: no fetching, no UI.

Rules (each has a test):
- Money is counted in major units. Yahoo quotes some listings in minor units (LSE prices in
  GBp = 1/100 GBP, Tel Aviv in ILA = 1/100 ILS, Johannesburg in ZAc); `MINOR_UNITS` turns
  them into GBP, ILS, ZAR before anything is added or converted, and lots may be written in
  either unit.
- A lot's cost stays in the lot's own currency until it is added up. Every conversion, of
  costs and of values alike, uses today's rates from one `FxTable`: historical rates at each
  lot's date are not fetched, and mixing rates from different days would make the figures in
  the two currencies disagree. So a position's P&L in the base currency is its P&L in the
  quote currency at today's rate: it leaves out what the exchange rate did since the purchase,
  and `cost_converted` names the lot currencies converted that way so the screen can say so.
- A rate that is missing makes the figures needing it None (never a guess); the position names
  the currencies (`missing_currencies`) and the portfolio total lists them all.
- Day P&L counts from the previous close, except lots dated on or after the price's trading day
  (bought today), which count from their cost. Percentages are taken of the absolute base
  (cost, or the previous value), so a short position (negative quantity) that rises loses.
  A zero base (no position, zero cost) has no percentage.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence

from msgspec import Struct

# Minor currency units Yahoo quotes in: code -> (major code, minor units per major unit).
MINOR_UNITS: dict[str, tuple[str, int]] = {
    "GBp": ("GBP", 100),  # London, pence
    "GBX": ("GBP", 100),  # the ISO-style name for pence
    "ILA": ("ILS", 100),  # Tel Aviv, agorot
    "ZAc": ("ZAR", 100),  # Johannesburg, cents
}


def major_unit(currency: str) -> tuple[str, int]:
    """The major currency and how many of `currency` make one of it: GBp -> (GBP, 100)."""
    return MINOR_UNITS.get(currency, (currency, 1))


class Lot(Struct, frozen=True):
    """One purchase (or short sale, quantity < 0): `unit_cost` per share in `currency`."""

    quantity: float
    unit_cost: float
    date: datetime.date
    currency: str

    def __post_init__(self) -> None:
        # A NaN here would print as "nan" in every total it reaches: refuse it at the door.
        if not (math.isfinite(self.quantity) and math.isfinite(self.unit_cost)):
            raise ValueError("a lot's quantity and unit cost must be finite numbers")
        if self.unit_cost < 0:
            raise ValueError("a lot's unit cost cannot be negative")
        if not self.currency:
            raise ValueError("a lot needs a currency")


class FxRate(Struct, frozen=True):
    """One Yahoo FX quote: `pair` "HKDUSD=X" means 1 HKD = `rate` USD; "HKD=X" is USD->HKD,
    as Yahoo names it. `as_of` is the rate's market time."""

    pair: str
    rate: float
    as_of: datetime.datetime

    @property
    def legs(self) -> tuple[str, str] | None:
        """(from, to) currencies of the pair, or None for a symbol that is no FX pair."""
        code = self.pair.removesuffix("=X")
        if not (self.pair.endswith("=X") and code.isalpha() and code.isupper()):
            return None
        if len(code) == 3:
            return ("USD", code)
        if len(code) == 6:
            return (code[:3], code[3:])
        return None


class Conversion(Struct, frozen=True):
    """A rate from one currency to another and the quotes it was made of (none: same
    currency)."""

    rate: float
    used: tuple[FxRate, ...] = ()


class FxTable:
    """Today's FX quotes; finds a direct pair, its inverse, or a path through USD."""

    __slots__ = ("_rates",)

    def __init__(self, rates: Iterable[FxRate] = ()) -> None:
        self._rates: dict[tuple[str, str], FxRate] = {}
        for fx in rates:
            legs = fx.legs
            if legs is None or not (math.isfinite(fx.rate) and fx.rate > 0):
                continue  # no pair, or a rate no market quotes: as good as missing
            held = self._rates.get(legs)
            if held is None or fx.as_of > held.as_of:
                self._rates[legs] = fx

    def _one_leg(self, source: str, target: str) -> Conversion | None:
        if source == target:
            return Conversion(1.0)
        if (direct := self._rates.get((source, target))) is not None:
            return Conversion(direct.rate, (direct,))
        if (inverse := self._rates.get((target, source))) is not None:
            return Conversion(1 / inverse.rate, (inverse,))
        return None

    def conversion(self, source: str, target: str) -> Conversion | None:
        """The rate from `source` to `target` (minor units allowed), or None without one."""
        (source, source_div), (target, target_div) = major_unit(source), major_unit(target)
        found = self._one_leg(source, target)
        if found is None:
            to_usd, from_usd = self._one_leg(source, "USD"), self._one_leg("USD", target)
            if to_usd is None or from_usd is None:
                return None
            found = Conversion(to_usd.rate * from_usd.rate, to_usd.used + from_usd.used)
        return Conversion(found.rate * target_div / source_div, found.used)


class Amounts(Struct, frozen=True):
    """A position's figures in one currency; None where an input (price, close, rate) is
    missing. `day_base` is what the day P&L is measured against (the previous value, or the
    cost of lots bought today), kept so a portfolio's day % weighs each position rightly."""

    currency: str
    cost: float | None
    value: float | None
    day_pnl: float | None
    day_pnl_pct: float | None
    day_base: float | None
    total_pnl: float | None
    total_pnl_pct: float | None

    def converted(self, currency: str, rate: float) -> Amounts:
        """The same figures in another currency at one rate (percentages unchanged)."""
        def at(x: float | None) -> float | None:
            return None if x is None else x * rate
        return Amounts(currency, at(self.cost), at(self.value), at(self.day_pnl),
                       self.day_pnl_pct, at(self.day_base), at(self.total_pnl), self.total_pnl_pct)


class Position(Struct, frozen=True):
    """One symbol's lots valued: `local` in the quote's (major) currency, `in_base` in the
    user's base currency (None without the rate)."""

    symbol: str
    quantity: float
    local: Amounts
    in_base: Amounts | None
    cost_converted: tuple[str, ...] = ()  # lot currencies converted at today's rate
    rates: tuple[FxRate, ...] = ()  # the FX quotes behind any conversion here
    missing_currencies: tuple[str, ...] = ()  # currencies with no rate to where they were needed


def _pct(part: float | None, whole: float | None) -> float | None:
    if part is None or whole is None or whole == 0:
        return None
    return part / abs(whole) * 100


def _usable(price: float | None) -> float | None:
    ok = isinstance(price, int | float) and math.isfinite(price) and price > 0
    return price if ok else None


def position(
    symbol: str,
    lots: Sequence[Lot],
    price: float | None,
    previous_close: float | None,
    currency: str,
    fx: FxTable,
    base: str,
    price_day: datetime.date | None = None,
) -> Position:
    """Value `lots` of `symbol` at `price` (in `currency`, minor units allowed) against
    `previous_close`; `price_day` is the trading day of the price (lots dated then or later
    were bought today)."""
    local_currency, divisor = major_unit(currency)
    price, previous_close = _usable(price), _usable(previous_close)
    if price is not None:
        price /= divisor
    if previous_close is not None:
        previous_close /= divisor
    quantity = sum(lot.quantity for lot in lots)
    used: list[FxRate] = []
    converted: set[str] = set()
    missing: set[str] = set()
    lot_costs: list[float | None] = []
    for lot in lots:
        rate = fx.conversion(lot.currency, local_currency)
        if rate is None:
            missing.add(major_unit(lot.currency)[0])
            lot_costs.append(None)
            continue
        if rate.used:
            converted.add(major_unit(lot.currency)[0])
            used.extend(rate.used)
        lot_costs.append(lot.quantity * lot.unit_cost * rate.rate)
    cost = None if None in lot_costs else sum(c for c in lot_costs if c is not None)
    value = None if price is None else quantity * price
    day_pnl, day_base = _day(lots, lot_costs, price, previous_close, price_day)
    total_pnl = None if value is None or cost is None else value - cost
    no_position = quantity == 0
    local = Amounts(
        local_currency, cost, value, day_pnl,
        None if no_position else _pct(day_pnl, day_base), day_base,
        total_pnl, None if no_position else _pct(total_pnl, cost),
    )
    to_base = fx.conversion(local_currency, base)
    if to_base is None:
        missing.add(local_currency)
        in_base = None
    else:
        used.extend(to_base.used)
        in_base = local.converted(major_unit(base)[0], to_base.rate)
    return Position(symbol, quantity, local, in_base, tuple(sorted(converted)),
                    _unique(used), tuple(sorted(missing)))


def _day(
    lots: Sequence[Lot],
    lot_costs: Sequence[float | None],
    price: float | None,
    previous_close: float | None,
    price_day: datetime.date | None,
) -> tuple[float | None, float | None]:
    """Day P&L and what it is measured against, summed over the lots."""
    if price is None:
        return None, None
    pnl = base = 0.0
    for lot, lot_cost in zip(lots, lot_costs, strict=True):
        if price_day is not None and lot.date >= price_day:
            start = lot_cost  # bought today: its own cost is where the day began
        else:
            start = None if previous_close is None else lot.quantity * previous_close
        if start is None:
            return None, None
        pnl += lot.quantity * price - start
        base += abs(start)
    return pnl, base


def _unique(rates: Iterable[FxRate]) -> tuple[FxRate, ...]:
    return tuple(sorted(set(rates), key=lambda fx: fx.pair))


class PortfolioTotal(Struct, frozen=True):
    """All positions in the base currency. A figure is None when any position lacks it (a
    partial sum would pass for the whole); `incomplete` names those positions and
    `missing_currencies` the currencies that had no rate."""

    base: str
    value: float | None
    day_pnl: float | None
    day_pnl_pct: float | None
    total_pnl: float | None
    total_pnl_pct: float | None
    rates: tuple[FxRate, ...]  # every FX quote used, with its as-of time
    missing_currencies: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()


def portfolio(positions: Sequence[Position], base: str) -> PortfolioTotal:
    """Add up positions valued in `base` (by `position(..., base=base)`)."""
    base = major_unit(base)[0]
    parts = [p.in_base for p in positions]
    incomplete = tuple(p.symbol for p in positions
                       if p.in_base is None or None in (p.in_base.value, p.in_base.day_pnl,
                                                        p.in_base.total_pnl))
    if any(a is not None and a.currency != base for a in parts):
        raise ValueError(f"positions valued in another base currency than {base}")

    def total(field: str) -> float | None:
        values = [None if a is None else getattr(a, field) for a in parts]
        return None if None in values else sum(values)

    day_pnl, total_pnl = total("day_pnl"), total("total_pnl")
    costs = [None if a is None or a.cost is None else abs(a.cost) for a in parts]
    cost_base = None if None in costs else sum(costs)
    return PortfolioTotal(
        base, total("value"), day_pnl, _pct(day_pnl, total("day_base")),
        total_pnl, _pct(total_pnl, cost_base),
        _unique(fx for p in positions for fx in p.rates),
        tuple(sorted({c for p in positions for c in p.missing_currencies})),
        incomplete,
    )
