"""Compare (`c`): every listed symbol rebased to 100 over one range in one chart, and beside it
a table of returns, cloud growth, share, surprise streak and checks. `t` changes the range,
`s` or a click on a header sorts the table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from aiwatch.compare import RANGES, CompareRow, common_end, compare_rows, rebased
from aiwatch.summary import TickerSummary
from aiwatch.text import visible
from aiwatch.widgets.format import NA, C, signed
from aiwatch.widgets.keys_footer import KeysFooter

SIDE_BY_SIDE = 130  # columns from which the chart and the table sit side by side
LINE_COLOURS = ("orange", "cyan", "green", "magenta", "yellow", "blue", "red", "white")
# column key -> header, and how a row sorts by it (None: not a figure; list order)
SORTS: dict[str, Callable[[CompareRow], float | None]] = {
    **{label: (lambda row, lab=label: row.returns.get(lab)) for label in RANGES},
    "cloud": lambda row: row.cloud_yoy,
    "share": lambda row: row.share,
    "share_change": lambda row: row.share_change,
    "streak": lambda row: float(row.streak),
    "checks": lambda row: float(row.checks_passing),
}
HEADERS = {**{label: label for label in RANGES}, "cloud": "Cloud", "share": "Share",
           "share_change": "Δ", "streak": "EPS streak", "checks": "Checks"}


def sort_rows(rows: Sequence[CompareRow], key: str) -> list[CompareRow]:
    """Highest first; rows without the figure last, in list order."""
    if key not in SORTS:
        return list(rows)
    figure = SORTS[key]
    known = [r for r in rows if figure(r) is not None]
    unknown = [r for r in rows if figure(r) is None]
    return sorted(known, key=lambda r: -(figure(r) or 0.0)) + unknown


def streak_text(streak: int) -> Text:
    if streak == 0:
        return Text(NA, style=C.muted)
    word = "beat" if streak > 0 else "miss"
    count = abs(streak)
    return signed(float(streak), f" {word}{'es' * (word == 'miss' and count > 1)}"
                  f"{'s' * (word == 'beat' and count > 1)}", digits=0)


class CompareChart(PlotextPlot):
    def show(self, tickers: Sequence[str], summaries: Mapping[str, TickerSummary],
             label: str) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        days = RANGES[label]
        end = common_end([summaries[t] for t in tickers if t in summaries])
        if end is None:
            plt.title("no price history")
            self.refresh()
            return
        start = end - timedelta(days=days)
        for number, ticker in enumerate(tickers):
            summary = summaries.get(ticker)
            series = rebased(summary.view.history if summary else None, days, end)
            if series is None:
                continue
            xs = [(d - start).days for d in series.dates]
            plt.plot(xs, list(series.values), marker="braille", label=visible(ticker),
                     color=LINE_COLOURS[number % len(LINE_COLOURS)])
        plt.hline(100.0, "gray")
        plt.xlim(0, days)
        ticks = [0, days // 2, days]
        plt.xticks(ticks, [(start + timedelta(days=t)).isoformat() for t in ticks])
        self.refresh()


class CompareScreen(Screen[None]):
    DEFAULT_CSS = """
    #compare-body {
        height: 1fr;
    }

    #compare-chart {
        width: 1fr;
        min-width: 40;
        border: round $primary-darken-1;
        border-title-color: $text-muted;
    }

    #compare-side {
        width: auto;
        max-width: 70%;
    }

    #compare-table {
        width: auto;
        height: auto;
        max-height: 1fr;
    }

    #compare-note {
        width: 100%;
        padding: 1 1 0 1;
    }

    CompareScreen.-narrow #compare-body {
        layout: vertical;
    }

    CompareScreen.-narrow #compare-chart {
        height: 1fr;
        width: 100%;
    }

    CompareScreen.-narrow #compare-side {
        width: 100%;
        max-width: 100%;
        height: auto;
    }
    """

    BINDINGS = [
        Binding("escape,c", "app.pop_screen", "Back", id="compare.back"),
        Binding("t", "next_range", "Range", id="compare.range"),
        Binding("s", "next_sort", "Sort", id="compare.sort"),
    ]

    range_label: reactive[str] = reactive("1Y")
    sort_key: reactive[str] = reactive("1Y")

    def __init__(self, tickers: Sequence[str]) -> None:
        super().__init__()
        self.tickers = tuple(tickers)

    def compose(self) -> ComposeResult:
        with Horizontal(id="compare-body"):
            yield CompareChart(id="compare-chart")
            with Vertical(id="compare-side"):
                yield DataTable(id="compare-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="compare-note")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#compare-table", DataTable)
        table.add_column("Symbol", key="symbol")
        for key, header in HEADERS.items():
            table.add_column(header, key=key)
        self.watch(self.app, "summaries", lambda _: self._show())
        table.focus()

    def on_resize(self, event: Resize) -> None:
        """Chart above the table where the two do not fit side by side."""
        self.set_class(event.size.width < SIDE_BY_SIDE, "-narrow")

    def _summaries(self) -> Mapping[str, TickerSummary]:
        return self.app.summaries  # type: ignore[attr-defined, no-any-return]

    def _show(self) -> None:
        summaries = self._summaries()
        chart = self.query_one(CompareChart)
        chart.border_title = f"Rebased to 100 · {self.range_label}"
        chart.show(self.tickers, summaries, self.range_label)
        rows = sort_rows(compare_rows(self.tickers, summaries), self.sort_key)
        table = self.query_one("#compare-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                Text(visible(row.ticker), style="bold"),
                *(signed(row.returns.get(label), "%") for label in RANGES),
                signed(row.cloud_yoy, "%"),
                Text(f"{row.share:g}%") if row.share is not None else Text(NA, style=C.muted),
                signed(row.share_change, " pp"),
                streak_text(row.streak),
                Text(f"{row.checks_passing}/{row.checks_total}"),
                key=row.ticker)
        self._label_headers(table)
        self.query_one("#compare-note", Static).update(self._note(summaries))

    def _label_headers(self, table: DataTable[Text]) -> None:
        for key, header in HEADERS.items():
            table.columns[key].label = Text(header + (" ▼" if key == self.sort_key else ""))  # type: ignore[index]

    def _note(self, summaries: Mapping[str, TickerSummary]) -> Text:
        """Why a return is n/a: the symbols whose prices stop before the common end."""
        listed = [summaries[t] for t in self.tickers if t in summaries]
        end = common_end(listed)
        short = [f"{s.ticker} to {s.view.history.dates[-1]:%Y-%m-%d}" for s in listed
                 if end and s.view.history and s.view.history.dates
                 and s.view.history.dates[-1] < end - timedelta(days=7)]
        text = Text(f"Ranges end {end:%Y-%m-%d}. " if end else "", style=C.muted)
        if short:
            text.append("No return where prices stop early: " + ", ".join(short) + ". ",
                        style=C.muted)
        text.append("Share: Synergy global; EPS streak: latest quarters in a row that beat "
                    "(+) or missed (−) the estimate.", style=C.muted)
        return text

    def action_next_range(self) -> None:
        labels = list(RANGES)
        self.range_label = labels[(labels.index(self.range_label) + 1) % len(labels)]

    def action_next_sort(self) -> None:
        keys = list(SORTS)
        self.sort_key = keys[(keys.index(self.sort_key) + 1) % len(keys)] \
            if self.sort_key in keys else keys[0]

    def watch_range_label(self) -> None:
        if self.is_mounted:
            self._show()

    def watch_sort_key(self) -> None:
        if self.is_mounted:
            self._show()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key in SORTS:
            self.sort_key = key
