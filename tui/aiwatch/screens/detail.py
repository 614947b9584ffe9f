"""One ticker in depth: price chart with ranges, the 8-quarter earnings table, thesis checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from rich.console import Group
from rich.markdown import Markdown
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Static

from aiwatch.commands import Command, bindings
from aiwatch.market import zone as _zone
from aiwatch.messages import OpenNote
from aiwatch.metrics import calendar_label
from aiwatch.model import EarningsQuarter, Provenance
from aiwatch.store.journal import Journal
from aiwatch.summary import TickerSummary
from aiwatch.text import visible
from aiwatch.widgets.earnings_table import EarningsTable, legend
from aiwatch.widgets.format import C, day_change_texts, price_provenance
from aiwatch.widgets.keys_footer import KeysFooter
from aiwatch.widgets.price_chart import RANGES, PriceChart, offered_ranges
from aiwatch.widgets.ticker_card import check_line

RANGES_LONGEST = max(RANGES)  # 5Y: offered once the history reaches back that far
JOURNAL_LINES = 10  # the newest journal lines shown for the symbol


def note_markdown(note: str) -> Markdown:
    """A note as Markdown, not Rich markup; its control characters shown as pictures before
    parsing (rich passes ESC through), and no hyperlinks: a link in a note is text, not an
    action."""
    return Markdown(visible(note, multiline=True), hyperlinks=False)


class DetailScreen(Screen[str]):
    """Dismissed with the ticker shown last, which the watchlist then selects."""

    DEFAULT_CSS = """
    #detail-body {
        height: 1fr;
    }

    #detail-head {
        height: auto;
        padding: 0 1;
    }

    #chart {
        height: 16;
        border: round $panel-lighten-2;
        margin: 0 1;
    }

    EarningsTable {
        height: auto;
        max-height: 12;
        border: round $panel-lighten-2;
        margin: 0 1;
    }

    EarningsTable:focus {
        border: round $accent;
    }

    #earnings-legend, #quarter-notes {
        height: auto;
        padding: 0 2;
    }

    #quarter-notes {
        margin-bottom: 1;
    }

    #detail-notes {
        height: auto;
        padding: 0 2;
        margin-bottom: 1;
    }
    """

    COMMANDS_TABLE = (
        Command("detail.back", "escape", "back", "Back"),
        Command("detail.range", "t", "next_range", "Chart range", "Chart range",
                "1M, 3M, 6M, 1Y (and 5Y: fetched once when asked)"),
        Command("detail.note", "n", "note", "Note"),
        Command("detail.editor", "e", "note(True)", "Note in $EDITOR", show=False),
        # priority: the focused earnings table would take these for its own cursor
        Command("detail.next", "right,l", "step(1)", "Next symbol", "Next symbol",
                "The next symbol of the list", key_display="→/l", priority=True),
        Command("detail.previous", "left,h", "step(-1)", "Previous symbol", "Previous symbol",
                "The previous symbol of the list", key_display="←/h", priority=True),
        Command("detail.page_down", "pagedown", "scroll('page_down')", "Page down", show=False,
                priority=True),
        Command("detail.page_up", "pageup", "scroll('page_up')", "Page up", show=False,
                priority=True),
        Command("detail.top", "home", "scroll('home')", "Top", show=False, priority=True),
        Command("detail.bottom", "end", "scroll('end')", "Bottom", show=False, priority=True),
    )
    BINDINGS = bindings(COMMANDS_TABLE)

    range_days: reactive[int] = reactive(365)

    def __init__(self, ticker: str, tickers: Sequence[str] = (),
                 journal: Journal | None = None,
                 more_history: Callable[[str], bool] | None = None) -> None:
        super().__init__()
        self.more_history = more_history  # asks for five years of closes, for 5Y
        self.ticker = ticker
        self.tickers = tuple(tickers) or (ticker,)  # what ←/→ step through
        self.journal = journal  # check flips and alerts, read per symbol

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-body"):
            yield Static(id="detail-head")
            yield PriceChart(id="chart")
            yield EarningsTable(id="earnings")
            yield Static(id="earnings-legend")
            yield Static(id="quarter-notes")
            yield Static(id="detail-notes")
        yield Static(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "summaries", self._show)
        self.watch(self.app, "status", lambda status: self.query_one("#status", Static)
                   .update(Text(visible(status))))
        self.query_one(EarningsTable).focus(scroll_visible=False)

    def _summary(self) -> TickerSummary | None:
        return self.app.summaries.get(self.ticker)  # type: ignore[attr-defined]

    def _show(self, summaries: dict[str, TickerSummary]) -> None:
        summary = summaries.get(self.ticker)
        if summary is None:
            return
        self.query_one("#detail-head", Static).update(self._head(summary))
        self._show_chart(summary)
        table = self.query_one(EarningsTable)
        table.summary = summary
        self.query_one("#earnings-legend", Static).update(legend(summary))
        self._show_quarter_notes(table.quarter_at(self._highlighted_key(table)))
        self.query_one("#detail-notes", Static).update(self._notes(summary))

    @staticmethod
    def _highlighted_key(table: EarningsTable) -> str | None:
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowHighlighted, "#earnings")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_quarter_notes(self.query_one(EarningsTable).quarter_at(event.row_key.value))

    def _show_quarter_notes(self, quarter: EarningsQuarter | None) -> None:
        """The source's own remarks on the highlighted quarter, where its figures are."""
        notes = self.query_one("#quarter-notes", Static)
        if quarter is None:
            notes.update("")
            return
        text = Text.assemble((f"{calendar_label(quarter.quarter_end)} · ", "bold"),
                             ("source: ", C.muted), visible(quarter.source_url) or "not named")
        if quarter.notes:
            text.append("\n")
            text.append(visible(quarter.notes, multiline=True))
        notes.update(text)

    def _head(self, s: TickerSummary) -> Text:
        f = s.figures
        now = self.app.now  # type: ignore[attr-defined]
        head = Text.assemble((s.ticker, "bold"), " · ", visible(s.view.company.name), "   ")
        if f.quote:
            absolute, percent = day_change_texts(f.change)
            head.append_text(Text.assemble(
                (f"{f.quote.price:,.2f} {visible(f.quote.currency)}  ", "bold"), absolute, " ",
                percent,
                (f" on {s.price_day:%Y-%m-%d}" if s.price_day else "", C.muted),
                (f"   {price_provenance(f.quote, s.price_current, now)}", C.muted),
            ))
            if f.quote.origin.kind is not Provenance.SNAPSHOT and s.price_current:
                zone = f.quote.exchange_tz or "America/New_York"
                market_time = f.quote.as_of.astimezone(_zone(zone))
                place = visible(zone.split("/")[-1].replace("_", " "))
                head.append(f" · price at {market_time:%Y-%m-%d %H:%M} {place}", style=C.muted)
        if s.view.error:
            head.append(f"\n⚠ {visible(s.view.error)}", style=C.warn)
        return head

    def _show_chart(self, s: TickerSummary) -> None:
        history = s.view.history
        chart = self.query_one(PriceChart)
        chart.border_title = f"Price · {RANGES[self.range_days]}"
        chart.border_subtitle = escape(visible(history.note)) if history and history.note else ""
        if history is None or not history.dates:
            chart.show([], [])
            return
        start = history.dates[-1] - timedelta(days=self.range_days)
        points = [(d, c) for d, c in zip(history.dates, history.closes, strict=True) if d > start]
        quarters = s.view.fundamentals.quarters if s.view.fundamentals else ()
        reports = [q.report_date for q in quarters if q.report_date is not None]
        chart.show([d for d, _ in points], [c for _, c in points], reports)
        if reports:
            chart.border_subtitle = " · ".join(filter(None, [
                "│ earnings report", chart.border_subtitle]))

    def _notes(self, s: TickerSummary) -> Group:
        """The checks, then the note itself as Markdown (never as Rich markup)."""
        width = min(self.size.width - 4, 60)
        checks = [check_line(r, width) for r in s.checks]
        note = note_markdown(s.note) if s.note.strip() else Text("(no note)", style=C.muted)
        parts: list[Text | Markdown] = [
            Text("Thesis checks", style="bold"),
            *(checks or [Text("no checks in the note", style=C.muted)]),
        ]
        if s.alerts:
            parts += [Text(""), Text("Alerts  (✔: the condition holds now)", style="bold"),
                      *(check_line(r, width) for r in s.alerts)]
        history = self.journal.lines_for(s.ticker, JOURNAL_LINES) if self.journal else []
        if history:
            parts += [Text(""), Text("Journal  (journal.md beside the notes)", style="bold"),
                      *(Text(visible(line), style=C.muted) for line in history)]
        return Group(*parts, Text(""), note)

    def action_note(self, external: bool = False) -> None:
        self.post_message(OpenNote(self.ticker, external))

    def action_back(self) -> None:
        self.dismiss(self.ticker)

    def action_step(self, step: int) -> None:
        """The previous or next symbol of the list, wrapping around, in the same range."""
        index = self.tickers.index(self.ticker) if self.ticker in self.tickers else -step
        self.ticker = self.tickers[(index + step) % len(self.tickers)]
        table = self.query_one(EarningsTable)
        self._show(self.app.summaries)  # type: ignore[attr-defined]
        if table.row_count:
            table.move_cursor(row=0, column=0, animate=False, scroll=True)
        self.query_one("#detail-body", VerticalScroll).scroll_home(animate=False)

    def action_scroll(self, where: str) -> None:
        """Page through the screen whichever widget has the focus."""
        body = self.query_one("#detail-body", VerticalScroll)
        {"page_down": body.scroll_page_down, "page_up": body.scroll_page_up,
         "home": body.scroll_home, "end": body.scroll_end}[where](animate=False)

    def action_next_range(self) -> None:
        """1M → 3M → 6M → 1Y (→ 5Y when the history reaches back that far) → 1M."""
        summary = self._summary()
        history = summary.view.history if summary else None
        days = offered_ranges(list(history.dates) if history else [])
        if self.range_days == days[-1] and RANGES_LONGEST not in days and self.more_history:
            self.more_history(self.ticker)  # 5Y once it lands; the cycle goes on meanwhile
        position = days.index(self.range_days) if self.range_days in days else -1
        self.range_days = days[(position + 1) % len(days)]

    def watch_range_days(self) -> None:
        summary = self._summary() if self.is_mounted else None
        if summary is not None:
            self._show_chart(summary)
