"""The cloud race as a heat-coloured table: growth, share and capex intensity per quarter."""

from __future__ import annotations

from collections.abc import Sequence

from rich.color import Color, blend_rgb
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widgets import Static

from aiwatch.race import Race, RaceCell, RaceRow
from aiwatch.text import visible
from aiwatch.widgets.format import COMPUTED_MARK, C, dark_theme, signed

GAP = "·"
# (title, rows attribute, the value at which a cell is fully coloured, unit of the change)
SECTIONS = (
    ("Cloud growth YoY %", "growth", 50.0, "pts"),
    ("Global share %", "share", 35.0, "pp"),
    ("Capex / revenue %" + COMPUTED_MARK, "capex", 40.0, "pts"),
)
DIM, DIM_LIGHT = Color.parse("#3A3F47").triplet, Color.parse("#B8BDC4").triplet


def heat(value: float, full: float) -> Style:
    """Brighter green the closer `value` gets to `full`; red below zero."""
    dim = DIM if dark_theme() else DIM_LIGHT  # faint: toward the background
    hot, cold = Color.parse(C.up).triplet, Color.parse(C.down).triplet
    assert dim is not None and hot is not None and cold is not None
    if value < 0:
        return Style(color=Color.from_triplet(cold))
    share = max(0.15, min(1.0, value / full))
    return Style(color=Color.from_triplet(blend_rgb(dim, hot, share)), bold=share > 0.75)


def cell_text(cell: RaceCell, full: float, computed_mark: bool) -> Text:
    if cell.value is None:
        return Text(GAP, style=C.muted)
    text = Text(f"{cell.value:.1f}" if abs(cell.value) < 100 else f"{cell.value:.0f}",
                style=heat(cell.value, full))
    if cell.computed and computed_mark:
        text.append(COMPUTED_MARK, style=C.muted)
    return text


LABEL_WIDTH, VALUE_WIDTH, CHANGE_WIDTH, MIN_LABEL = 14, 5, 10, 8


def natural_width(quarters: int) -> int:
    """The label, each quarter and the change, a space after each but the last."""
    return LABEL_WIDTH + 1 + quarters * (VALUE_WIDTH + 1) + CHANGE_WIDTH


def fitting_quarters(quarters: int, width: int) -> int:
    """How many of the newest quarters fit the width (at least one: the change column is
    over the whole span, the title says which)."""
    room = (width - LABEL_WIDTH - 1 - CHANGE_WIDTH) // (VALUE_WIDTH + 1)
    return max(1, min(quarters, room))


def table_line(label: Text, cells: Sequence[Text], change: Text, width: int) -> Text:
    """One row in fixed columns: the label cut with … at its width, the rest right-aligned;
    what does not fit the width at all is cut."""
    label_width = max(MIN_LABEL, min(LABEL_WIDTH, width - natural_width(len(cells))
                                     + LABEL_WIDTH))
    label = label.copy()
    label.truncate(label_width, overflow="ellipsis", pad=True)
    parts = [label, Text(" ")]
    for cell in cells:
        cell = cell.copy()
        cell.align("right", VALUE_WIDTH)
        parts += [cell, Text(" ")]
    change = change.copy()
    change.align("right", CHANGE_WIDTH)
    line = Text.assemble(*parts, change, no_wrap=True)
    line.truncate(width)
    return line


def section_lines(race: Race, title: str, attribute: str, full: float, unit: str,
                  header: bool, width: int) -> list[Text]:
    """One series: a row per company, a column per quarter (the newest that fit), then the
    change over them. Every section has the same column widths, so the quarters line up down
    the panel. (Laid out here, not by a Rich Table: measuring and drawing the three tables
    cost more than the four cards together at start-up, and a narrow Rich table misaligned
    its header.)"""
    shown = fitting_quarters(len(race.labels), width)
    lines = [Text(title, style="bold", no_wrap=True)]
    lines[0].truncate(width, overflow="ellipsis")
    if header:
        quarters = [Text(label[2:]) for label in race.labels[-shown:]]  # 24Q2
        lines.append(table_line(Text(""), quarters, Text("Δ"), width))
        lines[-1].stylize(C.muted)
    rows: tuple[RaceRow, ...] = getattr(race, attribute)
    for row in rows:
        label = row.ticker if attribute == "capex" else row.label
        change = signed(row.change, f" {unit}")
        if attribute == "capex":  # spending more is the bet, neither good nor bad news
            change.stylize(C.muted)
        cells = [cell_text(c, full, attribute != "capex") for c in row.cells[-shown:]]
        lines.append(table_line(Text(visible(label)), cells, change, width))
    return lines


def race_lines(race: Race, width: int) -> list[Text]:
    lines = []
    for number, (title, attribute, full, unit) in enumerate(SECTIONS):
        if attribute == "share":
            title += f" ({race.firm.split()[0]})"
        lines += section_lines(race, title, attribute, full, unit, number == 0, width)
    return lines


class RaceTable:
    """The sections as a Rich renderable, laid out at the width Rich offers: Textual measures
    and draws one visual at whatever width layout gives it."""

    def __init__(self, race: Race) -> None:
        self.race = race
        # per width and kind of theme (the heat colours): Textual measures and draws at one
        # width, and renders the panel afresh after a layout
        self._lines: dict[tuple[int, bool], list[Text]] = {}

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        natural = natural_width(len(self.race.labels))
        return Measurement(min(natural_width(1), natural), natural).clamp(
            max_width=options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (options.max_width, dark_theme())
        if key not in self._lines:
            self._lines[key] = race_lines(self.race, options.max_width)
        yield from self._lines[key]


class RacePanel(Static):
    """The race for the symbols of the list that have a cloud segment."""

    race: reactive[Race | None] = reactive(None, layout=True)
    # Measured once per race and room: Textual measures afresh at every layout (a start lays
    # the screen out twice), by rendering the panel; a new race (a new object) is measured anew.
    _width: tuple[object, int, int] = (None, -1, 0)  # race, container width, width
    _height: tuple[object, int, int] = (None, -1, 0)  # race, width, height
    _table: RaceTable | None = None  # the race's lines, kept across renders

    def get_content_width(self, container: Size, viewport: Size) -> int:
        race, room, width = self._width
        if race is not self.race or room != container.width:
            width = super().get_content_width(container, viewport)
            self._width = (self.race, container.width, width)
        return width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        race, measured_at, height = self._height
        if race is not self.race or measured_at != width:
            height = super().get_content_height(container, viewport, width)
            self._height = (self.race, width, height)
        return height

    def render(self) -> RenderableType:
        race = self.race
        if race is None:
            return Text("No symbol in the list reports a cloud segment.", style=C.muted)
        if self._table is None or self._table.race is not race:
            self._table = RaceTable(race)
        span = f"{race.labels[0]} → {race.labels[-1]}"
        return Group(
            Text.assemble(("Cloud race", "bold"), (f" · {span}", C.muted)),
            self._table,
            Text(f"{COMPUTED_MARK} computed by aiwatch from the reported amounts", style=C.muted),
        )
