"""Rows of Rich Text drawn as Textual strips: laid out once per width, restyled per look.

Textual measures a Rich renderable by rendering it whole, then renders it again to draw it,
and again for every style (a focus move). The cards and the home panels build their rows at
the width they are given instead, count them for their height, and draw those same rows."""

from __future__ import annotations

from itertools import chain, islice

from rich.console import Console, Group
from rich.segment import Segment
from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, RichVisual
from textual.widget import Widget

WRAP_CONSOLE = Console(width=200)  # Text.wrap wants one; it is used only to justify, never here


def rows_of(text: Text, width: int) -> list[Text]:
    """`text` as the rows it takes at `width`, wrapped (or cut, if no_wrap) as Rich would."""
    if text.cell_len <= width and "\n" not in text.plain:
        return [text]
    return list(text.wrap(WRAP_CONSOLE, width))


class Painted(RichVisual):
    """Rows as strips, kept per width, height and style. Rich lays the rows out once per size;
    each style (a focus move changes only that) restyles those segments as Textual's own
    post_render would, instead of Rich laying them out again (~4 ms a card)."""

    def __init__(self, widget: Widget, rows: list[Text]) -> None:
        super().__init__(widget, Group(*rows))
        self.rows = rows
        self._lines: dict[tuple[int, int | None], list[list[Segment]]] = {}
        self._strips: dict[tuple[int, int | None, Style], list[Strip]] = {}

    def render_strips(self, width: int, height: int | None, style: Style,
                      options: RenderOptions) -> list[Strip]:
        rich_style = style.rich_style
        if options.selection is not None or not rich_style:  # a mouse selection (drawn
            # afresh, never kept), or no style to restyle with: Rich's own way
            return super().render_strips(width, height, style, options)
        key = (width, height, style)
        if key not in self._strips:
            add = rich_style.__add__
            self._strips[key] = [Strip([Segment(text, add(s), None) for text, s, _ in line])
                                 for line in self._laid_out(width, height)]
        return self._strips[key]

    def _laid_out(self, width: int, height: int | None) -> list[list[Segment]]:
        """The rows cut into lines of segments, unstyled, as RichVisual has Rich render them.
        A row that already fits (most: the rows are built for their width) skips Rich's
        wrapping."""
        if (width, height) not in self._lines:
            app = self._widget.app
            options = app.console_options.update(highlight=False, width=width, height=height)
            segments = chain.from_iterable(
                Text("\n").join([row]).render(app.console, end=row.end)
                if _fits(row, width, options.justify) else app.console.render(row, options)
                for row in self.rows)
            self._lines[width, height] = list(islice(Segment.split_and_crop_lines(
                segments, width, include_new_lines=False, pad=False), height))
        return self._lines[width, height]


def _fits(row: Text, width: int, justify: str | None) -> bool:
    """Whether Rich's wrap would hand the row back unchanged: one line of no tabs within the
    width, justified as is."""
    plain = row.plain
    return ("\n" not in plain and "\t" not in plain and row.cell_len <= width
            and (row.justify or justify) in (None, "default"))


class PaintedRows(Widget):
    """A panel drawn as rows it builds for a width (`rows_at`): its height is their count and
    it draws those same rows, built once per content (`content_key`) and width. (Drawn as a
    Rich renderable, the race was rendered whole to be measured, again to count its lines,
    and again to be drawn: ~20 ms of a start.)"""

    DEFAULT_CSS = "PaintedRows { height: auto; }"
    _painted: tuple[object, dict[int, Painted]] = (None, {})

    def content_key(self) -> object:
        """What the rows are built from; compared with == (a tuple compares its items by
        identity first), so a new object of equal value costs one comparison."""
        raise NotImplementedError

    def rows_at(self, width: int) -> list[Text]:
        """The rows at this width, each wrapped by Rich if it does not fit."""
        raise NotImplementedError

    def painted(self, width: int) -> Painted:
        key = self.content_key()
        if self._painted[0] != key:
            self._painted = (key, {})
        built = self._painted[1].get(width)
        if built is None:
            rows = [row for line in self.rows_at(width) for row in rows_of(line, width)]
            built = self._painted[1][width] = Painted(self, rows)
        return built

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.painted(width).rows) if width > 0 else 0

    def render(self) -> RenderResult:
        return self.painted(max(self.size.width, 1))
