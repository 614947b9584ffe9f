"""The cloud race on a screen of its own (`w`): the panel, then the source of every figure in it,
row by row, as plain URLs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from aiwatch.race import Race
from aiwatch.text import visible
from aiwatch.widgets.format import C
from aiwatch.widgets.race_panel import SECTIONS, RacePanel


def race_sources(race: Race | None) -> Text:
    """Per section and row, the distinct URLs its figures came from, in quarter order."""
    text = Text()
    if race is None:
        return text
    for title, attribute, _, _ in SECTIONS:
        text.append(f"{title}\n", style="bold")
        for row in getattr(race, attribute):
            urls = list(dict.fromkeys(c.source for c in row.cells if c.source))
            label = row.ticker if attribute == "capex" else row.label
            text.append(f"{visible(label)}: ", style="bold")
            text.append(f"{len(urls)} source{'s' * (len(urls) != 1)}\n", style=C.muted)
            for url in urls:
                text.append(f"  {visible(url)}\n")
        text.append("\n")
    return text


class RaceScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    RaceScreen {
        align: center middle;
    }

    #race-body {
        width: auto;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }

    RacePanel, #race-sources {
        width: auto;
        height: auto;
    }
    """

    BINDINGS = [Binding("escape,q,w", "dismiss", "Close the race", id="race.close")]

    def __init__(self, race: Race | None) -> None:
        super().__init__()
        self.race = race

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="race-body") as body:
            body.border_title = "Cloud race"
            body.border_subtitle = "esc to close"
            yield RacePanel(id="race-panel")
            yield Static(race_sources(self.race), id="race-sources")

    def on_mount(self) -> None:
        self.query_one(RacePanel).race = self.race
        self.query_one("#race-body").focus()  # arrows and page keys scroll
