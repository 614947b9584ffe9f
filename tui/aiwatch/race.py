"""The cloud race: is each company's AI-cloud bet paying off against the others?

Three series per company over the same calendar quarters: its cloud segment's growth YoY (as
the company states it, else computed from the quarter a year earlier), its global share of
cloud infrastructure (one firm only, Synergy, so the series never mixes definitions), and its
capital expenditure as a share of revenue ("scale over margins", computed from one quarter's
two amounts in one currency). Every cell keeps its source; computed ones say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from msgspec import Struct

from aiwatch.metrics import REFERENCE_FIRM, calendar_label, cloud_yoy, next_quarter_end
from aiwatch.model import CloudShare, TickerView

QUARTERS = 8


class RaceCell(Struct, frozen=True):
    """One figure of the race, with where it came from."""

    value: float | None
    computed: bool = False  # worked out by aiwatch: the source states no such figure
    source: str = ""  # the URL the figure (or its inputs) came from


EMPTY = RaceCell(None)


class RaceRow(Struct, frozen=True):
    """One company's figures over the race's quarters."""

    ticker: str
    label: str  # "AWS", "Azure": the company's cloud as the card names it
    cells: tuple[RaceCell, ...]  # one per Race.quarters, oldest first

    @property
    def change(self) -> float | None:
        """Newest known value less the oldest known one in the window (the row's trend)."""
        known = [c.value for c in self.cells if c.value is not None]
        return known[-1] - known[0] if len(known) >= 2 else None


class Race(Struct, frozen=True):
    """The three race tables over the same calendar quarters."""

    quarters: tuple[date, ...]  # calendar quarter ends, oldest first
    growth: tuple[RaceRow, ...]  # cloud segment YoY %
    share: tuple[RaceRow, ...]  # global share %, REFERENCE_FIRM only
    capex: tuple[RaceRow, ...]  # capex / revenue %
    firm: str = REFERENCE_FIRM

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(calendar_label(q) for q in self.quarters)


def window(newest: date, count: int = QUARTERS) -> tuple[date, ...]:
    """`count` consecutive calendar quarter ends ending at `newest`, oldest first."""
    ends = [newest]
    while len(ends) < count:
        ends.append(_previous_quarter_end(ends[-1]))
    return tuple(reversed(ends))


def _previous_quarter_end(end: date) -> date:
    month = end.month - 3
    year = end.year - (month < 1)
    month = (month - 1) % 12 + 1
    previous = date(year, month, 31 if month in (3, 12) else 30)
    assert next_quarter_end(previous) == end
    return previous


def _same_quarter(a: date, b: date) -> bool:
    return abs((a - b).days) <= 3  # fiscal calendars end a quarter a day or two apart


def _cells(quarters: Sequence[date], find: Callable[[date], RaceCell]) -> tuple[RaceCell, ...]:
    return tuple(find(q) for q in quarters)


def growth_row(view: TickerView, quarters: Sequence[date]) -> RaceRow:
    """The card's own segment (Azure, not Microsoft Cloud), quarter by quarter."""
    own = [s for s in view.cloud if s.segment == view.company.cloud_segment]

    def find(end: date) -> RaceCell:
        segment = next((s for s in own if _same_quarter(s.quarter_end, end)), None)
        if segment is None:
            return EMPTY
        rate = cloud_yoy(segment, view.cloud)
        return RaceCell(rate.pct, rate.computed, segment.source_url) if rate.pct is not None \
            else EMPTY

    return RaceRow(view.ticker, view.company.cloud_label, _cells(quarters, find))


def share_row(view: TickerView, quarters: Sequence[date], shares: Iterable[CloudShare],
              firm: str = REFERENCE_FIRM) -> RaceRow:
    mine = {s.period: s for s in shares if s.provider == view.company.share_provider
            and s.region == "global" and s.firm == firm}

    def find(end: date) -> RaceCell:
        row = mine.get(calendar_label(end))
        return RaceCell(row.share_pct, source=row.source_url) if row else EMPTY

    return RaceRow(view.ticker, view.company.cloud_label, _cells(quarters, find))


def capex_row(view: TickerView, quarters: Sequence[date]) -> RaceRow:
    reported = view.fundamentals.quarters if view.fundamentals else ()

    def find(end: date) -> RaceCell:
        quarter = next((q for q in reported if _same_quarter(q.quarter_end, end)), None)
        if quarter is None or quarter.capex is None or not quarter.revenue:
            return EMPTY
        return RaceCell(quarter.capex / quarter.revenue * 100, True, quarter.source_url)

    return RaceRow(view.ticker, view.company.cloud_label, _cells(quarters, find))


def build_race(views: Iterable[TickerView], shares: Sequence[CloudShare],
               count: int = QUARTERS) -> Race | None:
    """The race among the views that have a cloud segment, over the `count` quarters ending
    at the newest segment quarter any of them has; None when none has one."""
    racers = [v for v in views
              if any(s.segment == v.company.cloud_segment for s in v.cloud)]
    if not racers:
        return None
    newest = max(s.quarter_end for v in racers for s in v.cloud
                 if s.segment == v.company.cloud_segment)
    quarters = window(newest, count)
    return Race(
        quarters=quarters,
        growth=tuple(growth_row(v, quarters) for v in racers),
        share=tuple(share_row(v, quarters, shares) for v in racers),
        capex=tuple(capex_row(v, quarters) for v in racers),
    )
