"""Compare: every symbol of the list rebased to 100 at the start of a range, and the figures
that say whose bet is paying off, side by side.

All series end on one day, the newest close any of them has, so a range is the same stretch of
time for every symbol; a series that does not reach across the whole range (its prices stop
early, or start late) is drawn as far as it goes but has no return for it, never one over a
different stretch. Surprise streaks count the latest quarters in a row that beat (positive)
or missed (negative) the estimate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from msgspec import Struct

from aiwatch.metrics import eps_surprise
from aiwatch.model import PriceHistory
from aiwatch.summary import TickerSummary

RANGES = {"1M": 30, "3M": 91, "6M": 182, "1Y": 365, "5Y": 1826}


class Rebased(Struct, frozen=True):
    ticker: str
    dates: tuple[date, ...]
    values: tuple[float, ...]  # 100 at the first date

    @property
    def change(self) -> float | None:
        return self.values[-1] - 100 if self.values else None


def rebased(history: PriceHistory | None, days: int, end: date | None = None) -> Rebased | None:
    """The closes from the last one on or before `days` before `end` (default: the history's
    last day) up to `end`, as 100 × close / that first close; None without two closes."""
    if history is None or not history.dates:
        return None
    end = end or history.dates[-1]
    start = end - timedelta(days=days)
    points = [(d, c) for d, c in zip(history.dates, history.closes, strict=True)
              if d <= end and c > 0]
    before = [i for i, (d, _) in enumerate(points) if d <= start]
    points = points[before[-1]:] if before else points
    if len(points) < 2:
        return None
    base = points[0][1]
    return Rebased(history.ticker, tuple(d for d, _ in points),
                   tuple(c / base * 100 for _, c in points))


SLACK = timedelta(days=7)  # weekends and holidays at either end of a range


def common_end(summaries: Sequence[TickerSummary]) -> date | None:
    """The newest close any of the symbols has: where every range ends."""
    return max((s.view.history.dates[-1] for s in summaries
                if s.view.history and s.view.history.dates), default=None)


def range_return(history: PriceHistory | None, days: int, end: date) -> float | None:
    """% return over the `days` to `end`, only when the closes span the whole range."""
    series = rebased(history, days, end)
    if series is None or series.dates[-1] < end - SLACK \
            or series.dates[0] > end - timedelta(days=days):
        return None
    return series.change


def surprise_streak(summary: TickerSummary) -> int:
    """+3: the last three reported quarters beat; −2: the last two missed; 0: the latest
    reported quarter has no estimate to compare with (or matched it)."""
    fundamentals = summary.view.fundamentals
    reported = sorted((q for q in (fundamentals.quarters if fundamentals else ())
                       if q.eps_reported is not None),
                      key=lambda q: q.quarter_end, reverse=True)
    streak = 0
    for quarter in reported:
        surprise = eps_surprise(quarter)
        if not surprise or (streak and (surprise > 0) != (streak > 0)):
            break
        streak += 1 if surprise > 0 else -1
    return streak


class CompareRow(Struct, frozen=True):
    ticker: str
    returns: dict[str, float | None]  # range label -> % return over it
    cloud_yoy: float | None
    share: float | None
    share_change: float | None
    streak: int
    checks_passing: int
    checks_total: int


def compare_rows(tickers: Sequence[str], summaries: Mapping[str, TickerSummary],
                 ranges: Mapping[str, int] = RANGES) -> list[CompareRow]:
    listed = [summaries[t] for t in tickers if t in summaries]
    end = common_end(listed)
    rows = []
    for summary in listed:
        history = summary.view.history
        f = summary.figures
        rows.append(CompareRow(
            summary.ticker,
            {label: range_return(history, days, end) if end else None
             for label, days in ranges.items()},
            f.cloud_yoy.pct, f.share.share_pct if f.share else None, f.share_change,
            surprise_streak(summary), sum(r.passed is True for r in summary.checks),
            len(summary.checks)))
    return rows
