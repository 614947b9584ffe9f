"""What each card shows, assembled from the snapshot, the cache and fresh results.

Precedence per figure: live > cached > snapshot. A newer source replaces a part unless it
ranks lower. Earnings merge quarter by quarter: Yahoo's figures win for the quarters it
reports; the snapshot keeps what Yahoo lacks (capex, stated YoY rates, older quarters). Cloud
segments and market share only ever come from the snapshot: Yahoo does not carry them.
A ticker outside the bundled companies is named as Yahoo names it (its quote's name).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from msgspec.structs import replace

from aiwatch.model import (
    Company,
    EarningsQuarter,
    Fundamentals,
    Origin,
    PriceHistory,
    Provenance,
    Quote,
    TickerView,
)
from aiwatch.refresh import CachedData
from aiwatch.sources.snapshot import Snapshot

if TYPE_CHECKING:
    from aiwatch.positions import FxTable

RANK = {Provenance.SNAPSHOT: 0, Provenance.CACHED: 1, Provenance.LIVE: 2}
YAHOO_FIELDS = ("report_date", "revenue", "net_income")
# EPS moves as one unit: an estimate and a result from two sources (or in two currencies,
# as Yahoo's RMB and the snapshot's USD for Alibaba) make a meaningless surprise.
EPS_FIELDS = ("eps_estimate", "eps_reported", "eps_currency", "eps_basis")


def base_views(snapshot: Snapshot, tickers: Iterable[str]) -> dict[str, TickerView]:
    """The snapshot's view of each ticker; a ticker it lacks gets an empty card."""
    views = {}
    for ticker in tickers:
        company = snapshot.companies.get(ticker, Company(ticker, ticker))
        views[ticker] = TickerView(
            company=company,
            history=snapshot.histories.get(ticker),
            fundamentals=snapshot.fundamentals.get(ticker),
            cloud=snapshot.cloud.get(ticker, ()),
        )
    return views


def cached_views(snapshot: Snapshot, tickers: Iterable[str],
                 cached: Mapping[str, CachedData]) -> dict[str, TickerView]:
    """Each ticker's snapshot view with what the cache holds merged over it: what the app
    paints first, what a symbol just added shows, what `check` and `export` report."""
    views = base_views(snapshot, tickers)
    for ticker, found in cached.items():
        if ticker in views:
            views[ticker] = merge(views[ticker], history=found.history, quote=found.quote,
                                  fundamentals=found.fundamentals)
    return views


def _wins(new: Origin, old: PriceHistory | Quote | Fundamentals | None) -> bool:
    """Whether a part from `new` may replace the `old` part (None: nothing to replace)."""
    return old is None or RANK[new.kind] >= RANK[old.origin.kind]


def merge_quarters(
    base: Iterable[EarningsQuarter], newer: Iterable[EarningsQuarter]
) -> tuple[EarningsQuarter, ...]:
    """Quarters from both, newest first; for a quarter in both, newer's known figures win.

    Revenue and net income keep the old stated YoY only when their currency stays the same.
    """
    merged = {q.quarter_end: q for q in base}
    for quarter in newer:
        old = merged.get(quarter.quarter_end)
        if old is None:
            merged[quarter.quarter_end] = quarter
            continue
        known: dict[str, object] = {name: getattr(quarter, name) for name in YAHOO_FIELDS
                                    if getattr(quarter, name) is not None}
        if quarter.eps_estimate is not None or quarter.eps_reported is not None:
            known.update((name, getattr(quarter, name)) for name in EPS_FIELDS)
        if quarter.currency != old.currency and (quarter.revenue or quarter.net_income):
            known.update(currency=quarter.currency, revenue_yoy_pct=None,
                         net_income_yoy_pct=None, capex=None)
            for name in ("revenue", "net_income"):  # an old amount in the old currency goes
                known.setdefault(name, None)
        merged[quarter.quarter_end] = replace(old, **known)  # type: ignore[arg-type]
    return tuple(sorted(merged.values(), key=lambda q: q.quarter_end, reverse=True))


def merge(
    view: TickerView,
    *,
    history: PriceHistory | None = None,
    quote: Quote | None = None,
    fundamentals: Fundamentals | None = None,
) -> TickerView:
    """The view with each given part applied where it ranks at least as high as the old."""
    changes: dict[str, object] = {}
    if history and history.closes and _wins(history.origin, view.history):
        changes["history"] = history
        if view.quote and RANK[view.quote.origin.kind] < RANK[history.origin.kind]:
            changes["quote"] = None  # an older quote must not sit on newer closes
    if quote and _wins(quote.origin, view.quote):
        changes["quote"] = quote
        company = view.company
        if quote.name and company.name == company.ticker:  # not bundled: named by its symbol
            changes["company"] = replace(company, name=quote.name)
    old = view.fundamentals
    if fundamentals and _wins(fundamentals.origin, old):
        quarters = merge_quarters(old.quarters if old else (), fundamentals.quarters)
        changes["fundamentals"] = replace(
            fundamentals, quarters=quarters,
            next_earnings=fundamentals.next_earnings or (old.next_earnings if old else None),
        )
    return replace(view, **changes) if changes else view  # type: ignore[arg-type]


def fx_table(quotes: Iterable[Quote | None]) -> FxTable:
    """The FX rates among `quotes` (Yahoo's HKDUSD=X, HKD=X: the pairs `aiwatch fetch --fx`
    caches as quotes), each at its price's market time; None and symbols that are no pair
    (the table passes them over) add nothing."""
    from aiwatch.positions import FxRate, FxTable  # loaded only with holdings

    return FxTable(FxRate(q.ticker, q.price, q.as_of) for q in quotes if q is not None)


def price_origins(views: Iterable[TickerView]) -> list[Origin]:
    return [o for v in views if (o := _price_origin(v)) is not None]


def _price_origin(view: TickerView) -> Origin | None:
    if view.quote:
        return view.quote.origin
    return view.history.origin if view.history else None


def status_line(views: Iterable[TickerView], now: datetime, problems: Iterable[str] = ()) -> str:
    """The status bar: what went wrong, then which sources the cards show and their dates."""
    views = list(views)
    origins = price_origins(views)
    parts = list(problems)  # first: what needs attention survives a narrow status bar
    live = [o for o in origins if o.kind is Provenance.LIVE]
    cached = [o for o in origins if o.kind is Provenance.CACHED]
    snapshot = [o for o in origins if o.kind is Provenance.SNAPSHOT]
    if live:
        parts.append(f"prices fetched {max(o.as_of for o in live):%H:%M} UTC")
    if cached:
        oldest = min(o.as_of for o in cached)
        hours = (now - oldest).total_seconds() / 3600
        parts.append(f"cached prices up to {hours:.0f} h old" if hours >= 1
                     else "cached prices")
    if snapshot:
        dates = sorted({f"{o.as_of:%Y-%m-%d}" for o in snapshot}, reverse=True)
        parts.append("snapshot prices to " + " / ".join(dates))
    reports = [q.report_date for v in views if v.fundamentals
               for q in v.fundamentals.quarters if q.report_date and q.report_date <= now.date()]
    if reports:
        parts.append(f"earnings to {max(reports):%Y-%m-%d}")
    return " · ".join(parts) if parts else "no data"


