"""The orders a watchlist can be shown in: the user's own, or by a figure, best first.

`s` cycles CYCLE; the compact view's column headers reach every order in ORDERS. A symbol
without the figure goes last, in list order, so a sort never hides or drops one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta

from aiwatch.model import PriceHistory
from aiwatch.summary import TickerSummary

MONTH_DAYS = 30
MONTH = timedelta(days=MONTH_DAYS)


def month_return(history: PriceHistory | None) -> float | None:
    """% change from the last close on or before 30 days ago to the last close."""
    from aiwatch.compare import rebased  # the compare screen's: loaded when a sort needs it

    series = rebased(history, MONTH_DAYS)
    return series.change if series and series.dates[0] <= series.dates[-1] - MONTH else None


def failing_checks(summary: TickerSummary) -> int:
    return sum(result.passed is False for result in summary.checks)


def _figure(summary: TickerSummary, order: str) -> float | None:
    f = summary.figures
    values: dict[str, Callable[[], float | None]] = {
        "day": lambda: f.change[1] if f.change else None,
        "month": lambda: month_return(summary.view.history),
        "range": lambda: f.range52.position if f.range52 else None,
        "cloud": lambda: f.cloud_yoy.pct,
        "surprise": lambda: f.surprise,
        "checks": lambda: float(failing_checks(summary)),
    }
    return values[order]()


# key -> what the status bar and header say; every figure sorts highest first
ORDERS = {"list": "list order", "symbol": "symbol", "day": "day change",
          "month": "1-month return", "range": "52-week position", "cloud": "cloud growth",
          "surprise": "EPS surprise", "checks": "failing checks first"}
CYCLE = ("list", "day", "month", "cloud", "checks")


def next_order(order: str) -> str:
    """The order after `order` in the `s` cycle (from one outside it: the first figure)."""
    position = CYCLE.index(order) if order in CYCLE else 0
    return CYCLE[(position + 1) % len(CYCLE)]


def ordered(tickers: Sequence[str], summaries: Mapping[str, TickerSummary],
            order: str) -> tuple[str, ...]:
    """The tickers in `order`; ties and symbols without the figure keep list order."""
    if order == "list" or order not in ORDERS:
        return tuple(tickers)
    if order == "symbol":
        return tuple(sorted(tickers))
    known: list[tuple[float, int, str]] = []
    unknown: list[str] = []
    for position, ticker in enumerate(tickers):
        summary = summaries.get(ticker)
        value = _figure(summary, order) if summary is not None else None
        if value is None:
            unknown.append(ticker)
        else:
            known.append((-value, position, ticker))
    return tuple(t for _, _, t in sorted(known)) + tuple(unknown)
