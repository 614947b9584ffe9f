"""The earnings history: one row per quarter, newest first, every figure or n/a."""

from __future__ import annotations

from rich.text import Text
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import DataTable

from aiwatch.metrics import (
    calendar_label,
    cloud_yoy,
    eps_surprise,
    fiscal_label,
    net_income_yoy,
    revenue_yoy,
    segment_for,
)
from aiwatch.model import EarningsQuarter, Provenance
from aiwatch.summary import TickerSummary
from aiwatch.text import visible
from aiwatch.widgets.format import COMPUTED_MARK, NA, C, growth, money, number, signed

COLUMNS = ("Quarter", "Fiscal", "Reported", "EPS est", "EPS", "Basis", "Surprise", "Revenue",
           "YoY", "Net income", "YoY", "Cloud rev", "Cloud YoY", "Capex")
ROWS = 8


def _right(cell: Text | str) -> Text:
    text = Text(cell, style=C.muted if cell == NA else "") if isinstance(cell, str) else cell
    text.justify = "right"
    return text


def eps_bases(quarters: tuple[EarningsQuarter, ...]) -> list[tuple[str, str]]:
    """The distinct (basis, currency) pairs of the rows shown, numbered by first appearance."""
    return list(dict.fromkeys((q.eps_basis, q.eps_currency) for q in quarters[:ROWS]
                              if q.eps_estimate is not None or q.eps_reported is not None))


def legend(summary: TickerSummary | None) -> Text:
    """What the Basis numbers and the computed mark mean, for the line under the table."""
    fundamentals = summary.view.fundamentals if summary else None
    if fundamentals is None:
        return Text("")
    parts = [f"EPS basis {n}: {_basis_text(basis, currency)}"
             for n, (basis, currency) in enumerate(eps_bases(fundamentals.quarters), start=1)]
    parts.append(f"{COMPUTED_MARK} YoY computed from the two quarters; the source states none")
    return Text(visible("\n".join(parts), multiline=True), style=C.muted)


def _basis_text(basis: str, currency: str) -> str:
    """The basis as the source states it, with its currency unless it already names it."""
    basis = basis or "not stated"
    if not currency:
        return f"{basis}, currency not stated"
    return basis if f"({currency})" in basis else f"{basis}, {currency}"


class EarningsTable(DataTable[Text | str]):
    summary: reactive[TickerSummary | None] = reactive(None)

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for name in COLUMNS:
            self.add_column(name)

    def quarter_at(self, key: str | None) -> EarningsQuarter | None:
        """The quarter of a row key (its quarter end), for the notes under the table."""
        fundamentals = self.summary.view.fundamentals if self.summary else None
        if fundamentals is None or key is None:
            return None
        return next((q for q in fundamentals.quarters if q.quarter_end.isoformat() == key), None)

    def watch_summary(self, summary: TickerSummary | None) -> None:
        self.clear()
        fundamentals = summary.view.fundamentals if summary else None
        if summary is None or fundamentals is None:
            return
        view, company = summary.view, summary.view.company
        quarters = fundamentals.quarters
        source = fundamentals.origin.kind.value
        if fundamentals.origin.kind is not Provenance.SNAPSHOT:
            source += " from Yahoo; capex, stated YoY and older quarters from the snapshot"
        self.border_title = escape(
            visible(f"Earnings ({source}) · cloud: {company.cloud_segment}"))
        bases = eps_bases(quarters)
        for q in quarters[:ROWS]:
            segment = segment_for(view.cloud, company.cloud_segment, q.quarter_end)
            has_eps = q.eps_estimate is not None or q.eps_reported is not None
            basis = bases.index((q.eps_basis, q.eps_currency)) + 1 if has_eps else None
            figures: list[Text | str] = [
                number(q.eps_estimate),
                number(q.eps_reported),
                visible(f"{basis} {q.eps_currency}".rstrip()) if basis else NA,
                signed(eps_surprise(q), "%"),
                money(q.revenue, q.currency),
                growth(revenue_yoy(q, quarters)),
                money(q.net_income, q.currency),
                growth(net_income_yoy(q, quarters)),
                money(segment.revenue, segment.currency) if segment else NA,
                growth(cloud_yoy(segment, view.cloud)) if segment else NA,
                money(q.capex, q.currency),
            ]
            self.add_row(
                calendar_label(q.quarter_end),
                Text(fiscal_label(q.quarter_end, company.fiscal_year_end_month), style=C.muted),
                f"{q.report_date:%Y-%m-%d}" if q.report_date else NA,
                *(_right(cell) for cell in figures),
                key=q.quarter_end.isoformat(),
            )
