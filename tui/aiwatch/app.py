"""AiwatchApp: holds the current figures, owns the screens and global keys; no I/O of its own.

State flows down: `summaries`, `status` and `now` are reactives the screens watch. Files and the
network are reached only through the services handed in by `cli.make_app`.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from textual.app import App, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from aiwatch.feed import base_views, status_line
from aiwatch.locations import display_path
from aiwatch.messages import OpenDetail, OpenNote
from aiwatch.model import CloudShare, TickerView
from aiwatch.screens.detail import DetailScreen
from aiwatch.screens.help import HelpScreen
from aiwatch.screens.notes import NotesScreen
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.sources.snapshot import Snapshot
from aiwatch.store.config import Config
from aiwatch.store.notes import Note, NotesError, NotesStore, SaveResult, editor_command
from aiwatch.summary import TickerSummary, summarise


@dataclass(frozen=True, slots=True)
class Services:
    """What the app works with; tests build it with tmp dirs and a fixed clock."""

    snapshot: Snapshot
    notes: NotesStore
    config: Config
    clock: Callable[[], datetime]


class AiwatchApp(App[None]):
    CSS_PATH = "aiwatch.tcss"
    TITLE = "aiwatch"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help", key_display="?"),
        Binding("ctrl+p", "command_palette", "Commands", id="app.palette", show=False,
                key_display="ctrl+p"),
    ]

    summaries: reactive[dict[str, TickerSummary]] = reactive(dict, always_update=True)
    status: reactive[str] = reactive("")
    now: reactive[datetime | None] = reactive(None)

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.tickers = services.config.tickers
        self.shares: tuple[CloudShare, ...] = services.snapshot.shares
        self.views: dict[str, TickerView] = base_views(services.snapshot, self.tickers)
        self.note_texts: dict[str, str] = {}

    def on_mount(self) -> None:
        self.now = self.services.clock()
        problems = list(self.services.config.problems)
        problems += self._load_notes()
        self._summarise()
        self.status = status_line(self.views.values(), self.now, problems)
        self.push_screen(WatchlistScreen(self.tickers))
        self.set_interval(60, self._tick)

    def _tick(self) -> None:
        self.now = self.services.clock()

    def _load_notes(self) -> list[str]:
        """Seed missing notes, then read them all; a failure is reported, never fatal."""
        notes = self.services.notes
        problems = []
        try:
            notes.seed(list(self.tickers))
        except NotesError as exc:
            problems.append(str(exc))
        for ticker in self.tickers:
            try:
                self.note_texts[ticker] = notes.read(ticker).text
            except NotesError as exc:
                problems.append(str(exc))
        return problems

    def _summarise(self) -> None:
        today = (self.now or self.services.clock()).date()
        self.summaries = {
            ticker: summarise(view, self.shares, self.note_texts.get(ticker, ""), today)
            for ticker, view in self.views.items()
        }

    def on_open_detail(self, message: OpenDetail) -> None:
        self.push_screen(DetailScreen(message.ticker))

    def on_open_note(self, message: OpenNote) -> None:
        if message.external:
            self.edit_externally(message.ticker)
            return
        try:
            note = self.services.notes.read(message.ticker)
        except NotesError as exc:
            self.notify(str(exc), title="Cannot open note", severity="error", markup=False)
            return
        location = display_path(self.services.notes.path(message.ticker))
        self.push_screen(NotesScreen(note, location))

    def save_note(self, note: Note) -> SaveResult:
        """Save through the store, then show the new text and checks on the cards."""
        result = self.services.notes.save(note, self.services.clock())
        self.note_texts[note.ticker] = result.note.text
        self._summarise()
        return result

    def edit_externally(self, ticker: str) -> None:
        """Suspend, run $VISUAL/$EDITOR on the note, then pick up what it wrote."""
        path = self.services.notes.path(ticker)
        command = editor_command(os.environ, path)
        if command is None:
            self.notify("Set $EDITOR (or $VISUAL) to edit notes outside aiwatch; "
                        "n opens the built-in editor.", title="No editor set",
                        severity="warning", markup=False)
            return
        try:
            with self.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor; press n instead.",
                        severity="warning", markup=False)
            return
        except OSError as exc:
            self.notify(f"Could not run {command[0]}: {exc.strerror or exc}",
                        severity="error", markup=False)
            return
        self.reload_notes()

    def reload_notes(self) -> None:
        """Pick up notes edited outside the app."""
        problems = self._load_notes()
        self._summarise()
        for problem in problems:
            self.notify(problem, severity="error", markup=False)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen([
            ("Everywhere", list(self.BINDINGS)),
            ("Watchlist", list(WatchlistScreen.BINDINGS)),
            ("Detail", list(DetailScreen.BINDINGS)),
            ("Note editor", list(NotesScreen.BINDINGS)),
        ]))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Every key and the thesis-check metrics", self.action_help)
        for ticker in self.tickers:
            yield SystemCommand(
                f"Detail: {ticker}", f"Chart and earnings table for {ticker}",
                lambda t=ticker: self.post_message(OpenDetail(t)),
            )
