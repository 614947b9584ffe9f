"""The compact view: one line per symbol, so a whole list fits a classic 80×24 terminal.

Rows are keyed by ticker and updated in place, so the cursor stays on its symbol while a
refresh lands; a click on a column's header asks the screen to sort by it (`OrderChosen`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from aiwatch.ordering import ORDERS
from aiwatch.summary import TickerSummary
from aiwatch.text import visible
from aiwatch.widgets.format import NA, C, growth, range_bar, signed, sparkline

SPARK_WIDTH = 10
RANGE_WIDTH = 7
# column key -> (header, the order a click on it sorts by)
COLUMNS = {
    "symbol": ("Symbol", "symbol"),
    "price": ("Price", "list"),
    "day": ("Day", "day"),
    "trend": ("3M", "month"),
    "range": ("52w", "range"),
    "cloud": ("Cloud", "cloud"),
    "surprise": ("EPS±", "surprise"),
    "checks": ("Checks", "checks"),
}
ORDER_COLUMN = {order: column for column, (_, order) in COLUMNS.items()}


def checks_cell(summary: TickerSummary) -> Text:
    """✔3 ✘1: how many of the note's checks pass and fail; — without checks."""
    passed = sum(r.passed is True for r in summary.checks)
    failed = sum(r.passed is False for r in summary.checks)
    if not passed and not failed:
        return Text("—", style=C.muted)
    text = Text()
    if passed:
        text.append(f"✔{passed}", style=C.up)
    if failed:
        text.append(" " if passed else "")
        text.append(f"✘{failed}", style=C.down)
    return text


NARROW_BELOW = 80  # columns: below, the table leaves out the 52-week column
OPTIONAL = ("range",)


def row_cells(summary: TickerSummary) -> list[Text]:
    """The cells of one symbol's line, in COLUMNS order."""
    f = summary.figures
    symbol = Text(visible(summary.ticker), style="bold")
    if summary.view.error:
        symbol.append(" ⚠", style=C.warn)
    price = (Text.assemble(f"{f.quote.price:,.2f} ", (visible(f.quote.currency), C.muted))
             if f.quote else Text(NA, style=C.muted))
    return [
        symbol,
        price,
        signed(f.change[1] if f.change else None, "%", digits=2),
        sparkline(f.spark, SPARK_WIDTH),
        range_bar(f.range52.position, RANGE_WIDTH) if f.range52 else Text(NA, style=C.muted),
        growth(f.cloud_yoy),
        signed(f.surprise, "%"),
        checks_cell(summary),
    ]


class CompactTable(DataTable[Text]):
    """Every symbol of the list on one line each, in the order the screen gives."""

    class OrderChosen(Message):
        """The user clicked a column header: sort by its order."""

        def __init__(self, order: str) -> None:
            super().__init__()
            self.order = order

    def __init__(self, *, id: str | None = None, narrow: bool = False) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._tickers: tuple[str, ...] = ()
        self._order = "list"
        self._shown = [key for key in COLUMNS if not (narrow and key in OPTIONAL)]

    def on_mount(self) -> None:
        for key in self._shown:
            self.add_column(COLUMNS[key][0], key=key)

    def _cells(self, summary: TickerSummary) -> list[Text]:
        return [cell for key, cell in zip(COLUMNS, row_cells(summary), strict=True)
                if key in self._shown]

    def show(self, tickers: Sequence[str], summaries: Mapping[str, TickerSummary],
             order: str = "list") -> None:
        """Rows for `tickers` in that order: rebuilt when the order changed, else updated in
        place; the cursor stays on the symbol it was on. A cell grown past its column (a
        "⚠" after the longest symbol, a price where "n/a" was) widens the column, rather than
        being cut at the width the rows were built at."""
        tickers = tuple(tickers)
        if order != self._order:
            self._order = order
            self._label_headers()
        if tickers != self._tickers:
            current = self.current_ticker
            self.clear()
            self._tickers = tickers
            for ticker in tickers:
                summary = summaries.get(ticker)
                self.add_row(*(self._cells(summary) if summary else self._empty(ticker)),
                             key=ticker)
            if current in tickers:
                self.move_cursor(row=tickers.index(current), animate=False)
            return
        for ticker in tickers:
            summary = summaries.get(ticker)
            if summary is None:
                continue
            for column, cell in zip(self._shown, self._cells(summary), strict=True):
                # only when it grows: Textual measures the whole column for a narrower cell
                grows = cell.cell_len > self.columns[column].content_width  # type: ignore[index]
                self.update_cell(ticker, column, cell, update_width=grows)

    def _empty(self, ticker: str) -> list[Text]:
        return [Text(visible(ticker), style="bold"), *(Text(NA, style=C.muted)
                                                       for _ in range(len(self._shown) - 1))]

    def _label_headers(self) -> None:
        """The header of the column sorted by carries ▼."""
        sorted_column = ORDER_COLUMN.get(self._order)
        for key, (header, _) in COLUMNS.items():
            column = self.columns.get(key)  # type: ignore[call-overload]
            if column is not None:
                column.label = Text(header + (" ▼" if key == sorted_column else ""))
        self.refresh()

    @property
    def current_ticker(self) -> str | None:
        if not self._tickers or not self.row_count:
            return None
        return self._tickers[min(self.cursor_row, len(self._tickers) - 1)]

    def select(self, ticker: str) -> None:
        if ticker in self._tickers:
            self.move_cursor(row=self._tickers.index(ticker), animate=False)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        order = COLUMNS[str(event.column_key.value)][1]
        if order in ORDERS:
            self.post_message(self.OrderChosen(order))
