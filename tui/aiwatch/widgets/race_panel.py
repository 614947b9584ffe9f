"""The cloud race as a heat-coloured table: growth, share and capex intensity per quarter."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.color import Color, blend_rgb
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive

from aiwatch.race import Race, RaceCell, RaceRow
from aiwatch.text import visible
from aiwatch.widgets.format import COMPUTED_MARK, C, dark_theme, signed
from aiwatch.widgets.painted import PaintedRows

GAP = "·"
# (title, rows attribute, the value at which a cell is fully coloured, unit of the change)
SECTIONS = (
    ("Cloud growth YoY %", "growth", 50.0, "pts"),
    ("Global share %", "share", 35.0, "pp"),
    ("Capex / revenue %" + COMPUTED_MARK, "capex", 40.0, "pts"),
)
DIM, DIM_LIGHT = Color.parse("#3A3F47").triplet, Color.parse("#B8BDC4").triplet


def heat(value: float, full: float, dark: bool) -> Style:
    """Brighter green the closer `value` gets to `full`; red below zero."""
    dim = DIM if dark else DIM_LIGHT  # faint: toward the background
    hot, cold = Color.parse(C.up).triplet, Color.parse(C.down).triplet
    assert dim is not None and hot is not None and cold is not None
    if value < 0:
        return Style(color=Color.from_triplet(cold))
    share = max(0.15, min(1.0, value / full))
    return Style(color=Color.from_triplet(blend_rgb(dim, hot, share)), bold=share > 0.75)


Piece = tuple[str, "str | Style"]  # a run of text and its style, as Text.assemble takes them


def cell_pieces(cell: RaceCell, full: float, computed_mark: bool, dark: bool) -> list[Piece]:
    if cell.value is None:
        return [(GAP, C.muted)]
    value = f"{cell.value:.1f}" if abs(cell.value) < 100 else f"{cell.value:.0f}"
    pieces: list[Piece] = [(value, heat(cell.value, full, dark))]
    if cell.computed and computed_mark:
        pieces.append((COMPUTED_MARK, C.muted))
    return pieces


def right_aligned(pieces: list[Piece], width: int) -> list[Piece]:
    """The pieces flush right in `width` cells, cut at the right where they overflow."""
    room, kept = width, []
    for text, style in pieces:
        text = set_cell_size(text, room) if cell_len(text) > room else text
        room -= cell_len(text)
        kept.append((text, style))
    return [(" " * room, ""), *kept]


LABEL_WIDTH, VALUE_WIDTH, CHANGE_WIDTH, MIN_LABEL = 14, 5, 10, 8


def natural_width(quarters: int) -> int:
    """The label, each quarter and the change, a space after each but the last."""
    return LABEL_WIDTH + 1 + quarters * (VALUE_WIDTH + 1) + CHANGE_WIDTH


def fitting_quarters(quarters: int, width: int) -> int:
    """How many of the newest quarters fit the width (at least one: the change column is
    over the whole span, the title says which)."""
    room = (width - LABEL_WIDTH - 1 - CHANGE_WIDTH) // (VALUE_WIDTH + 1)
    return max(1, min(quarters, room))


def table_line(label: str, cells: Sequence[list[Piece]], change: Text, width: int) -> Text:
    """One row in fixed columns: the label cut with … at its width, the rest right-aligned;
    what does not fit the width at all is cut. (Assembled from plain pieces: copying and
    aligning a Text per cell cost ~10 ms of a start.)"""
    label_width = max(MIN_LABEL, min(LABEL_WIDTH, width - natural_width(len(cells))
                                     + LABEL_WIDTH))
    if cell_len(label) > label_width:
        label = set_cell_size(label, label_width - 1) + "…"
    pieces: list[str | Piece | Text] = [set_cell_size(label, label_width), " "]
    for cell in cells:
        pieces += [*right_aligned(cell, VALUE_WIDTH), (" ", "")]
    room = CHANGE_WIDTH - change.cell_len
    if room < 0:
        change = change.copy()
        change.truncate(CHANGE_WIDTH)
    pieces += [" " * max(room, 0), change]
    line = Text.assemble(*pieces, no_wrap=True)
    line.truncate(width)
    return line


def section_lines(race: Race, title: str, attribute: str, full: float, unit: str,
                  header: bool, width: int, dark: bool) -> list[Text]:
    """One series: a row per company, a column per quarter (the newest that fit), then the
    change over them. Every section has the same column widths, so the quarters line up down
    the panel. (Laid out here, not by a Rich Table: measuring and drawing the three tables
    cost more than the four cards together at start-up, and a narrow Rich table misaligned
    its header.)"""
    shown = fitting_quarters(len(race.labels), width)
    lines = [Text(title, style="bold", no_wrap=True)]
    lines[0].truncate(width, overflow="ellipsis")
    if header:
        quarters = [[(label[2:], "")] for label in race.labels[-shown:]]  # 24Q2
        lines.append(table_line("", quarters, Text("Δ"), width))
        lines[-1].stylize(C.muted)
    rows: tuple[RaceRow, ...] = getattr(race, attribute)
    for row in rows:
        label = row.ticker if attribute == "capex" else row.label
        change = signed(row.change, f" {unit}")
        if attribute == "capex":  # spending more is the bet, neither good nor bad news
            change.stylize(C.muted)
        cells = [cell_pieces(c, full, attribute != "capex", dark) for c in row.cells[-shown:]]
        lines.append(table_line(visible(label), cells, change, width))
    return lines


def race_lines(race: Race, width: int, dark: bool = True) -> list[Text]:
    lines = []
    for number, (title, attribute, full, unit) in enumerate(SECTIONS):
        if attribute == "share":
            title += f" ({race.firm.split()[0]})"
        lines += section_lines(race, title, attribute, full, unit, number == 0, width, dark)
    return lines


FOOTNOTE = f"{COMPUTED_MARK} computed by aiwatch from the reported amounts"
TITLE = "Cloud race"
NO_RACE = "No symbol in the list reports a cloud segment."


class RacePanel(PaintedRows):
    """The race for the symbols of the list that have a cloud segment: its title, the three
    sections and a footnote, as rows built for the panel's width."""

    race: reactive[Race | None] = reactive(None, layout=True)

    def content_key(self) -> object:
        return (self.race, C.version, dark_theme())

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """As wide as the widest row wants, within the container (no rendering)."""
        race = self.race
        if race is None:
            return min(container.width, len(NO_RACE))
        widest = max(len(TITLE + self._span(race)), natural_width(len(race.labels)), len(FOOTNOTE))
        return min(container.width, widest)

    @staticmethod
    def _span(race: Race) -> str:
        return f" · {race.labels[0]} → {race.labels[-1]}"

    def rows_at(self, width: int) -> list[Text]:
        race = self.race
        if race is None:
            return [Text(NO_RACE, style=C.muted)]
        title = Text.assemble((TITLE, "bold"), (self._span(race), C.muted))
        return [title, *race_lines(race, width, dark_theme()),
                Text(FOOTNOTE, style=C.muted)]
