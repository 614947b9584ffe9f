"""What a card and the detail screen say about one ticker, computed once per update.

Joins a TickerView (the figures), the market-share rows and the thesis note into the values the
widgets render, so widgets hold no logic beyond layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from aiwatch.checks import evaluate, parse_checks, parse_line
from aiwatch.metrics import Figures, figures
from aiwatch.model import CheckResult, CloudShare, TickerView


@dataclass(frozen=True, slots=True)
class TickerSummary:
    view: TickerView
    figures: Figures
    note: str  # the whole Markdown note
    thesis_lines: tuple[str, ...]  # the prose of the note, without headings or checks
    checks: tuple[CheckResult, ...]
    next_report: date | None  # announced and later than the last report in the data
    next_is_past: bool  # that date has passed, but its results are not in the data yet
    last_report: date | None

    @property
    def ticker(self) -> str:
        return self.view.ticker


def thesis_prose(text: str) -> tuple[str, ...]:
    """The note's sentences: headings, check lines (and near misses, shown with the checks)
    and blank lines dropped."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or parse_line(0, stripped) is not None:
            continue
        lines.append(stripped)
    return tuple(lines)


def summarise(
    view: TickerView, shares: Sequence[CloudShare], note_text: str, today: date
) -> TickerSummary:
    figs = figures(view, shares)
    values = figs.check_values()
    fundamentals = view.fundamentals
    upcoming = fundamentals.next_earnings if fundamentals else None
    quarters = fundamentals.quarters if fundamentals else ()
    last = max((q.report_date for q in quarters if q.report_date and q.report_date <= today),
               default=None)
    after_last = upcoming is not None and (last is None or upcoming.report_date > last)
    next_report = upcoming.report_date if upcoming and after_last else None
    return TickerSummary(
        view=view,
        figures=figs,
        note=note_text,
        thesis_lines=thesis_prose(note_text),
        checks=tuple(evaluate(c, values) for c in parse_checks(note_text)),
        next_report=next_report,
        next_is_past=next_report is not None and next_report <= today,
        last_report=last,
    )
