"""The earnings history: one row per quarter, newest first, every figure or n/a."""

from __future__ import annotations

from rich.text import Text
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import DataTable

from aiwatch.metrics import (
    calendar_label,
    cloud_yoy,
    fiscal_label,
    net_income_yoy,
    revenue_yoy,
    segment_for,
    surprise_pct,
)
from aiwatch.model import Provenance
from aiwatch.summary import TickerSummary
from aiwatch.widgets.format import MUTED, NA, money, number, signed

COLUMNS = ("Quarter", "Fiscal", "Reported", "EPS est", "EPS", "Surprise", "Revenue", "YoY",
           "Net income", "YoY", "Cloud rev", "Cloud YoY", "Capex")


def _right(cell: Text | str) -> Text:
    text = Text(cell, style=MUTED if cell == NA else "") if isinstance(cell, str) else cell
    text.justify = "right"
    return text


class EarningsTable(DataTable[Text | str]):
    summary: reactive[TickerSummary | None] = reactive(None)

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for name in COLUMNS:
            self.add_column(name)

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
            f"Earnings ({source}) · cloud: {company.cloud_segment}")
        bases = list(dict.fromkeys(q.eps_basis for q in quarters[:8] if q.eps_basis))
        subtitle = f"EPS: {bases[0]}" if bases else ""
        if len(bases) > 1:
            subtitle = f"EPS basis varies by quarter; newest: {bases[0]}"
        self.border_subtitle = escape(subtitle)
        for q in quarters[:8]:
            segment = segment_for(view.cloud, company.cloud_segment, q.quarter_end)
            figures: list[Text | str] = [
                number(q.eps_estimate),
                number(q.eps_reported),
                signed(surprise_pct(q.eps_estimate, q.eps_reported), "%"),
                money(q.revenue, q.currency),
                signed(revenue_yoy(q, quarters), "%"),
                money(q.net_income, q.currency),
                signed(net_income_yoy(q, quarters), "%"),
                money(segment.revenue, segment.currency) if segment else NA,
                signed(cloud_yoy(segment, view.cloud) if segment else None, "%"),
                money(q.capex, q.currency),
            ]
            self.add_row(
                calendar_label(q.quarter_end),
                Text(fiscal_label(q.quarter_end, company.fiscal_year_end_month), style=MUTED),
                f"{q.report_date:%Y-%m-%d}" if q.report_date else NA,
                *(_right(cell) for cell in figures),
                key=q.quarter_end.isoformat(),
            )
