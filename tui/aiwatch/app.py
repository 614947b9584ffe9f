"""AiwatchApp: holds the current figures, owns the screens and global keys; no I/O of its own.

State flows down: `summaries`, `status` and `now` are reactives the screens watch. Files and the
network are reached only through the services handed in by `cli.make_app`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from aiwatch.feed import base_views, status_line
from aiwatch.messages import OpenDetail
from aiwatch.model import CloudShare, TickerView
from aiwatch.screens.detail import DetailScreen
from aiwatch.screens.help import HelpScreen
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.sources.snapshot import Snapshot
from aiwatch.store.config import Config
from aiwatch.store.notes import NotesError, NotesStore
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

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen([
            ("Everywhere", list(self.BINDINGS)),
            ("Watchlist", list(WatchlistScreen.BINDINGS)),
            ("Detail", list(DetailScreen.BINDINGS)),
        ]))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Every key and the thesis-check metrics", self.action_help)
        for ticker in self.tickers:
            yield SystemCommand(
                f"Detail: {ticker}", f"Chart and earnings table for {ticker}",
                lambda t=ticker: self.post_message(OpenDetail(t)),
            )
