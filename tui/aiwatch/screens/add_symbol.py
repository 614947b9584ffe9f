"""`a`: the symbol to add, with completion from the companies aiwatch knows (→ accepts the
suggestion); checked as a Yahoo symbol before it is accepted."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from aiwatch.store.config import valid_ticker
from aiwatch.text import visible
from aiwatch.widgets.format import C


class AddSymbolScreen(ModalScreen[str | None]):
    """Dismissed with the normalised symbol, or None (esc)."""

    DEFAULT_CSS = """
    AddSymbolScreen {
        align: center middle;
    }

    #add-body {
        width: 60;
        max-width: 100%;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }

    #add-hint {
        height: auto;
        padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="add.cancel")]

    def __init__(self, known: Sequence[str], listed: Sequence[str]) -> None:
        super().__init__()
        self.known = tuple(known)  # completion: the bundled companies' symbols
        self.listed = tuple(listed)

    def compose(self) -> ComposeResult:
        with Vertical(id="add-body") as body:
            body.border_title = "Add a symbol"
            body.border_subtitle = "enter to add · esc to cancel"
            yield Input(placeholder="e.g. NVDA, 9988.HK, BRK-B, ^GSPC", id="add-input",
                        suggester=SuggestFromList(self.known, case_sensitive=False))
            yield Static(Text("Any Yahoo symbol; checked with Yahoo on the next refresh "
                              "(offline: added as unverified).", style=C.muted), id="add-hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        ticker = valid_ticker(typed)
        hint = self.query_one("#add-hint", Static)
        if not typed:
            self.dismiss(None)
        elif ticker is None:
            hint.update(Text(f"{visible(typed)!r} is not a Yahoo symbol (letters, digits and "
                             ". - = ^ &, up to 24)", style=C.warn))
        elif ticker in self.listed:
            hint.update(Text(f"{ticker} is already in the list", style=C.warn))
        else:
            self.dismiss(ticker)
