"""Every key, from the same Binding definitions the app uses, and the check metrics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Static

from aiwatch.checks import METRICS, OPERATORS
from aiwatch.text import visible
from aiwatch.widgets.format import COMPUTED_MARK, C, themed

SIDE_BY_SIDE = 130  # terminal columns from which keys and metrics sit side by side


def _key_label(binding: Binding) -> str:
    return binding.key_display or ", ".join(
        {"left": "←", "right": "→", "up": "↑", "down": "↓", "question_mark": "?",
         "escape": "esc", "enter": "enter"}.get(k.strip(), k.strip())
        for k in binding.key.split(",")
    )


def _table(title: str) -> Table:
    """A titled two-column list: a highlighted name, then what it means."""
    table = Table(title=title, title_justify="left", title_style="bold", box=None,
                  show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style=f"bold {themed('#FFB000', '#9A5B00')}", no_wrap=True)
    table.add_column()
    return table


def keys_table(title: str, bindings: list[BindingType],
               keymap: Mapping[str, str] | None = None) -> Table:
    """Keys (as rebound by the config's [keymap]), what they do, and the id to rebind them by."""
    table = _table(title)
    table.add_column(style=C.muted, no_wrap=True)
    seen = set()
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description not in seen:
            seen.add(binding.description)
            rebound = (keymap or {}).get(binding.id or "")
            shown = replace(binding, key=rebound, key_display=None) if rebound else binding
            table.add_row(_key_label(shown), binding.description, binding.id or "")
    return table


def metrics_table() -> Table:
    table = _table("Thesis checks  (in a note: check: cloud_yoy >= 20)")
    for name, meaning in METRICS.items():
        table.add_row(name, meaning)
    table.add_row("operators", Text("  ".join(OPERATORS)))
    return table


MARKS = (
    ("live", "the price is from the session under way or the last one, fetched now"),
    ("cached 3 h ago", "the same, fetched earlier and kept in the cache"),
    ("as of <date>", "the newest price known is from an older session"),
    ("snapshot · <date>", "the figures bundled with aiwatch, true on that date"),
    (COMPUTED_MARK, "a YoY we computed from two quarters: the source states none"),
    ("1 USD", "detail table: the EPS basis (listed under the table) and currency"),
    ("⚠ not in data", "quarters reported since the newest one aiwatch has"),
    ("✔ ✘ ? !", "check passes, fails, has no data, or cannot be read"),
)


def marks_table() -> Table:
    table = _table("Reading the cards")
    for mark, meaning in MARKS:
        table.add_row(mark, meaning)
    return table


def paths_table(paths: dict[str, str]) -> Table:
    table = _table("Files  (aiwatch --paths)")
    for name, path in paths.items():
        table.add_row(name, Text(visible(path)))
    return table


class HelpScreen(ModalScreen[None]):
    """Listed from the bindings themselves, so help can never drift from the keys."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }

    #help-body {
        width: 80;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 2;
    }

    HelpScreen.-wide #help-body {
        width: 124;
    }

    #help-columns {
        layout: vertical;
        height: auto;
    }

    HelpScreen.-wide #help-columns {
        layout: horizontal;
    }

    #help-keys, #help-metrics {
        height: auto;
    }

    HelpScreen.-wide #help-keys {
        width: 62;
        margin-right: 3;
    }

    HelpScreen.-wide #help-metrics {
        width: 1fr;
    }

    .help-section {
        margin-top: 1;
    }
    """

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close")]

    def __init__(
        self, sections: list[tuple[str, list[BindingType]]], paths: dict[str, str],
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.sections = sections
        self.paths = paths
        self.keymap = keymap or {}  # the config's rebindings: help shows the keys in force

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "aiwatch · keys"
            body.border_subtitle = "esc to close"
            with Horizontal(id="help-columns"):
                with Vertical(id="help-keys"):
                    for title, bindings in self.sections:
                        yield Static(keys_table(title, bindings, self.keymap),
                                     classes="help-section")
                with Vertical(id="help-metrics"):
                    yield Static(metrics_table(), classes="help-section")
                    yield Static(marks_table(), classes="help-section")
                    yield Static(paths_table(self.paths), classes="help-section")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()  # arrows and page keys scroll a long help

    def on_resize(self, event: Resize) -> None:
        """Keys and metrics side by side when there is room, one under the other if not."""
        self.set_class(event.size.width >= SIDE_BY_SIDE, "-wide")
