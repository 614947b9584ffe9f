"""What each card shows, assembled from the snapshot (and, once fetched, cache and live data).

Precedence per figure: live > cached > snapshot. Cloud segments and market share only ever
come from the snapshot: Yahoo does not carry them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from aiwatch.model import Company, Provenance, TickerView
from aiwatch.sources.snapshot import Snapshot


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


def status_line(views: Iterable[TickerView], now: datetime, problems: Iterable[str] = ()) -> str:
    """Data as-of for the status bar: which sources the cards show, and their dates."""
    views = list(views)
    kinds = {v.history.origin.kind for v in views if v.history}
    parts = []
    if Provenance.SNAPSHOT in kinds:
        dates = sorted({
            f"{v.history.origin.as_of:%Y-%m-%d}" for v in views
            if v.history and v.history.origin.kind is Provenance.SNAPSHOT
        })
        parts.append("snapshot prices to " + " / ".join(reversed(dates)))
    funds = [v.fundamentals.origin for v in views if v.fundamentals]
    if funds:
        parts.append(f"earnings to {max(o.as_of for o in funds):%Y-%m-%d}")
    parts.extend(problems)
    return " · ".join(parts) if parts else "no data"
