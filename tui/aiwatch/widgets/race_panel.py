"""The cloud race as a heat-coloured table: growth, share and capex intensity per quarter."""

from __future__ import annotations

from rich.color import Color, blend_rgb
from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
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


LABEL_WIDTH, VALUE_WIDTH, CHANGE_WIDTH = 14, 5, 10


def section_table(race: Race, title: str, attribute: str, full: float, unit: str,
                  header: bool) -> Table:
    """One series: a row per company, a column per quarter, then the change over them.
    Every section has the same column widths, so the quarters line up down the panel."""
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, pad_edge=False,
                  header_style=C.muted, show_header=header, title=title, title_justify="left",
                  title_style="bold")
    table.add_column("", no_wrap=True, width=LABEL_WIDTH)
    for label in race.labels:
        table.add_column(label[2:], justify="right", no_wrap=True, width=VALUE_WIDTH)  # 24Q2
    table.add_column("Δ", justify="right", no_wrap=True, width=CHANGE_WIDTH)
    rows: tuple[RaceRow, ...] = getattr(race, attribute)
    for row in rows:
        label = row.ticker if attribute == "capex" else row.label
        change = signed(row.change, f" {unit}")
        if attribute == "capex":  # spending more is the bet, neither good nor bad news
            change.stylize(C.muted)
        table.add_row(Text(visible(label), overflow="ellipsis"),
                      *(cell_text(c, full, attribute != "capex") for c in row.cells), change)
    return table


def race_tables(race: Race) -> list[Table]:
    tables = []
    for number, (title, attribute, full, unit) in enumerate(SECTIONS):
        if attribute == "share":
            title += f" ({race.firm.split()[0]})"
        tables.append(section_table(race, title, attribute, full, unit, header=number == 0))
    return tables


class RacePanel(Static):
    """The race for the symbols of the list that have a cloud segment."""

    race: reactive[Race | None] = reactive(None, layout=True)
    # The size the race was last measured at, by the race and the room it had: Textual's own
    # measure renders the three tables for every layout (~5 ms each, and a start lays the
    # screen out twice); a new race (a new object) is measured afresh.
    _width: tuple[object, int, int] = (None, -1, 0)  # race, container width, width
    _height: tuple[object, int, int] = (None, -1, 0)  # race, width, height

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
        span = f"{race.labels[0]} → {race.labels[-1]}"
        return Group(
            Text.assemble(("Cloud race", "bold"), (f" · {span}", C.muted)),
            *race_tables(race),
            Text(f"{COMPUTED_MARK} computed by aiwatch from the reported amounts", style=C.muted),
        )
