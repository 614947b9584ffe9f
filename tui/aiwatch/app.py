"""AiwatchApp: holds the current figures, owns the screens and global keys; no I/O of its own.

State flows down: `summaries`, `status` and `now` are reactives the screens watch. Files and the
network are reached only through the services handed in by `cli.make_app`.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from msgspec.structs import replace
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from aiwatch.app_lists import ListActions
from aiwatch.app_notes import NoteActions
from aiwatch.commands import Command, bindings, keymap_problems, palette_entries
from aiwatch.feed import cached_views, fx_table, merge, status_line
from aiwatch.fetcher import Fetcher
from aiwatch.list_editor import ListEditor
from aiwatch.locations import display_path, user_paths
from aiwatch.market import market_open
from aiwatch.messages import EditSymbol, OpenDetail, OpenNote, RefreshFinished, TickerFetched
from aiwatch.model import ADS_SYMBOL, ORDINARY_SYMBOL, CloudShare, Origin, Provenance, TickerView
from aiwatch.race import build_race
from aiwatch.refresh import CachedData, FetchEvent, Refresher
from aiwatch.screens.watchlist import FIRST_CARDS, WatchlistScreen
from aiwatch.sources.snapshot import Snapshot, with_user_rows
from aiwatch.store.config import Config, with_available_themes
from aiwatch.store.journal import Journal, JournalError
from aiwatch.store.notes import NotesStore
from aiwatch.summary import TickerSummary, resummarise, with_holdings
from aiwatch.text import visible
from aiwatch.widgets.format import use_palette
from aiwatch.widgets.share_bars import ShareBars

if TYPE_CHECKING:  # loaded when first needed: a refresh's flips, the user's positions
    from rich.console import RenderableType

    from aiwatch.alerts import Flip
    from aiwatch.holdings import Holdings


def command_ids() -> list[str]:
    """Every command id a [keymap] may name: the app's and each screen's."""
    from aiwatch.screens.detail import DetailScreen
    from aiwatch.screens.help import HelpScreen
    from aiwatch.screens.notes import NotesScreen

    screens = (AiwatchApp, WatchlistScreen, DetailScreen, NotesScreen, HelpScreen)
    return [b.id for s in screens for b in s.BINDINGS if isinstance(b, Binding) and b.id]


PROGRESS_FROM = 10  # tickers: from this many on, the status bar counts a refresh's progress
APPLY_EVERY = 0.1  # seconds: tickers landing within this are shown in one repaint
# Landed tickers shown per turn of the event loop, and the pause between turns: each costs
# ~4 ms (cache read, summary, the card's rows), so no turn holds the loop (and the keys)
# for long, and the screen repaints in between.
APPLY_AT_ONCE = 4
APPLY_NEXT = 0.02  # seconds
# While tickers land, the clock the cards read moves at most this often: each move has every
# card work out its texts from the time (~5 ms a turn at 100 cards), and those read in seconds
CLOCK_EVERY = timedelta(seconds=1)


class Services(Struct, frozen=True):
    """What the app works with; tests build it with tmp dirs, a fake HTTP session and a
    fixed clock."""

    snapshot: Snapshot
    notes: NotesStore
    config: Config
    refresher: Refresher
    clock: Callable[[], datetime]
    force_first_refresh: bool = False  # --refresh: ignore the cache's freshness once
    startup_problems: tuple[str, ...] = ()  # besides the snapshot's own
    fetcher: Fetcher | None = None  # None: offline, never fetch
    config_path: Path | None = None  # where list edits are saved (None: nowhere, tests)


class AiwatchApp(NoteActions, ListActions, App[None]):
    CSS_PATH = "aiwatch.tcss"
    TITLE = "aiwatch"
    COMMANDS_TABLE = (
        Command("app.quit", "q", "quit", "Quit"),
        Command("app.help", "question_mark", "help", "Help", "Help",
                "Every key, its id for [keymap], and the thesis-check metrics", key_display="?"),
        Command("app.refresh", "r", "refresh", "Refresh", "Refresh",
                "Fetch quotes and earnings from Yahoo now"),
        Command("app.sources", "m", "sources", "Market share sources", "Market share sources",
                "Firm, publication and URL of every share figure shown", show=False),
        Command("app.palette", "ctrl+p", "command_palette", "Commands", show=False,
                key_display="ctrl+p"),
    )
    BINDINGS = bindings(COMMANDS_TABLE)

    # Watched by the screens, which repaint what shows them; the app itself paints nothing, so
    # a change repaints no more (Textual's default repaints the whole screen: ~25 ms at 100 cards)
    summaries: reactive[dict[str, TickerSummary]] = reactive(dict, always_update=True,
                                                             repaint=False)
    status: reactive[str] = reactive("", repaint=False)
    now: reactive[datetime | None] = reactive(None, repaint=False)
    # A refresh runs or what it brought is not all shown yet: the cards hold their heights
    refreshing: reactive[bool] = reactive(False, repaint=False)

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.tickers = services.config.tickers  # in the config's order
        self.list_editor = ListEditor(services.config_path, services.config)
        self.unverified: set[str] = set()  # added online, not yet answered for by Yahoo
        self._history_asked: set[str] = set()  # tickers whose five years were fetched
        self.holdings: Holdings | None = None  # the user's positions, valued (None: none)
        self.portfolio = ""  # the status bar's words for them
        self.journal = Journal(services.notes.directory / "journal.md")
        self._before_refresh: dict[str, TickerSummary] | None = None  # for check flips
        self.snapshot = services.snapshot  # `r` re-reads the user's share / segment files
        self.views: dict[str, TickerView] = {}  # built at mount, from the snapshot and cache
        self.note_texts: dict[str, str] = {}
        # config and cache trouble, known from the start; shown in the status bar
        keymap = services.config.keymap
        self.set_keymap(dict(keymap))
        self.problems = (*services.config.problems, *services.startup_problems,  # the screens
                         *(keymap_problems(keymap, command_ids()) if keymap else ()))  # load late
        self.notes_problems: list[str] = []  # from the last reading of the notes
        self.refresh_note = ""  # the refresh's state or last failure
        self._next_refresh: Timer | None = None
        self._landed: set[str] = set()  # tickers the running refresh has reported on
        self._fetching = False  # a refresh is running: the status bar shows its progress
        self._unshown: dict[str, list[FetchEvent]] = {}  # landed, not yet applied, in order
        self._apply_timer: Timer | None = None  # pending apply of what landed
        self._refresh_starts = 0  # refreshes asked for: a deferred one runs if still the last
        self._built_frozen = False  # the first screen's cards are out of the collector's passes
        self._paint_waiters: list[tuple[Screen[Any], Callable[[], object]]] = []
        self._first: list[str] = []  # the tickers read before the first frame

    @property
    def shares(self) -> tuple[CloudShare, ...]:
        """The market-share rows shown: the bundled ones and the user's, as last read."""
        return self.snapshot.shares

    def get_default_screen(self) -> WatchlistScreen:
        """The home screen, painted from the cache (or the snapshot), is the app's first screen:
        pushed over Textual's blank default one, it cost that screen's own styling and layout
        and a second parse of Screen's CSS (~5 ms). Textual asks for it as the app composes,
        before `on_mount`."""
        self.now = self.services.clock()
        self._first = self._first_screenful()
        self.notes_problems = self._load_notes(self._first)
        self._add_views(self._first)
        self._summarise()
        theme = with_available_themes(self.services.config, self.available_themes).theme
        if theme:
            self.theme = theme
        use_palette(self.current_theme.dark)
        home = self.home()
        # What push_screen gives a screen and switch_screen takes back when a list edit
        # replaces home: Textual gives its default screen none.
        home._push_result_callback(self, None)
        return home

    def on_mount(self) -> None:
        """The network comes after the first frame, in a worker."""
        first = self._first
        self._tell([*self.problems, self.services.refresher.cache_problem,
                    *self.snapshot.problems, *self.notes_problems])
        self.set_interval(60, self._tick)
        if len(first) < len(self.tickers):
            self.after_paint(self.screen, self._read_the_rest)
        self.start_refresh(force=self.services.force_first_refresh, after_paint=True)
        self.after_paint(self.screen, self._collect_after_start)
        if not self.is_headless:  # not in tests: their event loop and process are shared
            with suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.terminate)

    def _tell(self, problems: Iterable[str | None]) -> None:
        """Each problem found reading the user's files, in a notification that stays a while."""
        for problem in filter(None, problems):
            self.notify(problem, title="aiwatch", severity="warning", timeout=12, markup=False)

    def _first_screenful(self) -> list[str]:
        """The tickers read before the first frame: those of the cards it builds, when the
        list shows in its own order, as cards, with no holdings to total; else all of them.
        (A 100-ticker start decoded, summarised and read the notes of all 100 first: ~70 ms.)"""
        config = self.list_editor.config
        if (config.sort != "list" or self.compact_view() or config.positions.symbols
                or {ADS_SYMBOL, ORDINARY_SYMBOL} <= set(self.tickers)):
            return list(self.tickers)
        return list(self.tickers[:FIRST_CARDS])

    def _read_the_rest(self) -> None:
        """The first frame is on screen: the rest of the list is read in before its cards
        are built and before the fetch starts (both wait for that same frame)."""
        problems = self._read_in([ticker for ticker in self.tickers if ticker not in self.views])
        self.notes_problems += problems
        self._tell(problems)
        self._summarise()
        if self._before_refresh is not None:  # the start's refresh flips checks against these
            self._before_refresh = {**self.summaries, **self._before_refresh}
        self._update_status()

    def _read_in(self, added: list[str]) -> list[str]:
        """The views and notes of symbols new to `views` (the list's rest after the first
        frame, symbols just added); what could not be read, one line each."""
        self._add_views(added)
        return self._read_notes(added) if added else []

    def _add_views(self, added: list[str]) -> None:
        """The views of `added` from the cache (else the snapshot), in the list's order."""
        views = cached_views(self.snapshot, added, self.services.refresher.cached(added))
        self.views = {t: self.views.get(t) or views[t] for t in self.tickers
                      if t in self.views or t in views}

    def _collect_after_start(self) -> None:
        """The first frame is on screen: the collector, off during start-up (cli.main), runs
        again. What start-up built lives as long as the app: out of the collector's full
        passes, which cost ~110 ms each at 100 cards while a refresh lands (profiled); not in
        tests, whose process is shared."""
        if not self.is_headless:
            gc.freeze()
        gc.enable()

    def after_paint(self, screen: Screen[Any], callback: Callable[[], object]) -> None:
        """Run `callback` once `screen` is on the terminal: its next frame written, not one
        Textual drops because widgets are still mounting (`call_after_refresh` ran the home
        screen's later cards before its first frame ever reached the terminal: a 100-card
        start showed nothing until all were built)."""
        self._paint_waiters.append((screen, callback))

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        """Textual's write of a frame; it drops the frame while a batch of mounts runs."""
        super()._display(screen, renderable)
        if renderable is None or self._batch_count or not self._paint_waiters:
            return
        ready = [callback for shown, callback in self._paint_waiters if shown is screen]
        self._paint_waiters = [(s, c) for s, c in self._paint_waiters if s is not screen]
        for callback in ready:
            self.call_later(callback)

    def cards_built(self) -> None:
        """The home screen built its last cards (a batch per frame after the first): they too
        live as long as the app, so they go out of the collector's full passes as well (one
        visits every card while a cold refresh lands: ~45 ms at 100 cards, profiled). Once:
        a screen built later may be dropped (another list), and frozen it is never freed."""
        if not self._built_frozen and not self.is_headless:
            self._built_frozen = True
            gc.freeze()

    def _on_resize(self, event: events.Resize) -> None:
        """A size the app already has is no resize: the terminal tells its size once more as
        the app starts, and Textual would lay the whole screen out again before the first
        frame (~35 ms at 4 cards, profiled). Any other size goes on to Textual's handler."""
        if event.size == self._size:
            event.prevent_default()
            event.stop()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast (the app's and its screens') with its control characters shown as
        pictures: messages quote files, paths and errors from outside."""
        super().notify(visible(message, multiline=True), title=visible(title),
                       severity=severity, timeout=timeout, markup=markup)

    def _tick(self) -> None:
        self.now = self.services.clock()
        self._update_status()

    def _update_status(self) -> None:
        extra = [note for note in (self.refresh_note, self.services.refresher.cache_problem,
                                   self.portfolio) if note]
        self.status = status_line(self.views.values(), self.now or self.services.clock(),
                                  [*extra, *self.problems, *self.snapshot.problems,
                                   *self.notes_problems])

    def start_refresh(self, force: bool = False, after_paint: bool = False) -> None:
        """Ask Yahoo for what is stale, in a fetch run apart from the UI (a child process);
        the UI keeps running meanwhile. `after_paint` (start-up): the fetch starts once the
        first frame is on screen, so its process never competes with that frame."""
        if self._next_refresh is not None:
            self._next_refresh.stop()
            self._next_refresh = None
        if self.services.fetcher is None:
            self.refresh_note = "offline"
            self._update_status()
            return
        self._landed = set()
        self._fetching = self.refreshing = True
        self._before_refresh = self._before_refresh or self.summaries  # checks flip against
        self.refresh_note = self._progress()
        self._update_status()
        self._refresh_starts += 1
        if after_paint:
            self.after_paint(self.screen, partial(self._start_if_latest, self._refresh_starts,
                                                  force))
        else:
            self._refresh_worker(force)

    def _start_if_latest(self, start: int, force: bool) -> None:
        """The deferred start-up fetch, unless a refresh (`r`) was asked for meanwhile."""
        if start == self._refresh_starts:
            self._refresh_worker(force)

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def _refresh_worker(self, force: bool) -> None:
        """Run one fetch (a child process in real use) and apply each event as it comes;
        cancelling the worker (quitting) closes the stream, which kills the child."""
        assert self.services.fetcher is not None
        tickers = self.tickers
        events = self.services.fetcher.run(tickers, force, fx=self._fx_pairs())
        try:
            async for event in events:
                if event.done:
                    self.post_message(RefreshFinished(event, tickers))
                else:
                    self.post_message(TickerFetched(event))
        finally:
            await events.aclose()  # type: ignore[attr-defined]

    def fetch_history(self, ticker: str) -> bool:
        """Five years of closes for the detail's 5Y, fetched apart from the refresh; False
        when offline or already asked this session."""
        if self.services.fetcher is None or ticker in self._history_asked:
            return False
        self._history_asked.add(ticker)
        self.notify(f"fetching 5 years of prices for {ticker}…", markup=False)
        self._history_worker(ticker)
        return True

    @work(group="history", exit_on_error=False)
    async def _history_worker(self, ticker: str) -> None:
        assert self.services.fetcher is not None
        events = self.services.fetcher.run((ticker,), True, history="5y")
        try:
            async for event in events:
                if not event.done:
                    self.post_message(TickerFetched(event))
                elif event.message:
                    self.notify(f"5 years of {ticker}: {event.message}", severity="warning",
                                markup=False)
        finally:
            await events.aclose()  # type: ignore[attr-defined]

    def on_ticker_fetched(self, message: TickerFetched) -> None:
        """A ticker's part landed in the cache (or failed): shown with the next apply."""
        ticker = message.event.ticker
        if ticker not in self.views or self.reject_unknown_added(message.event):
            return
        self._landed.add(ticker)
        self._unshown.setdefault(ticker, []).append(message.event)
        if self._apply_timer is None:  # a batch lands as several lines: one repaint for all
            self._apply_timer = self.set_timer(APPLY_EVERY, self._apply_landed)

    def _apply_landed(self) -> None:
        """Show what landed: the first APPLY_AT_ONCE tickers now, the rest a moment later."""
        self._apply_timer = None
        for ticker in list(self._unshown)[:APPLY_AT_ONCE]:
            events = self._unshown.pop(ticker)
            if ticker in self.views:  # not taken out of the list since it landed
                self.views[ticker] = self._with_landed(self.views[ticker], events)
        now = self.services.clock()
        if self.now is None or not self._unshown or now - self.now >= CLOCK_EVERY:
            self.now = now  # and exactly once the last batch is shown
        self._summarise()
        if self._fetching:
            self.refresh_note = self._progress()
        self._update_status()
        if self._unshown:
            self._apply_timer = self.set_timer(APPLY_NEXT, self._apply_landed)
        elif not self._fetching:
            self.refreshing = False
            if self._before_refresh is not None:
                from aiwatch.alerts import flips

                self._announce(flips(self._before_refresh, self.summaries, self.now))
                self._before_refresh = None

    def _announce(self, found: list[Flip]) -> None:
        """Checks that flipped and alerts that fired with this refresh: a toast each, the
        bell (and a desktop notice where the terminal shows one), a line in journal.md."""
        if not found:
            return
        for flip in found:
            bad = flip.new is False if flip.kind == "check" else flip.fired
            self.notify(flip.message, title="aiwatch", severity="warning" if bad else
                        "information", timeout=20, markup=False)
        self.bell()
        from aiwatch.desktop import notice_sequence

        notice = notice_sequence("aiwatch", "; ".join(f.message for f in found), os.environ)
        driver = self._driver
        if notice and driver is not None and not self.is_headless:
            driver.write(notice)
        try:
            self.journal.append(found)
        except JournalError as exc:
            self.notify(str(exc), severity="warning", markup=False)

    def _with_landed(self, view: TickerView, events: list[FetchEvent]) -> TickerView:
        """The view with what the fetch reported for its ticker, in order: each part it wrote,
        read back from the cache (once), as live, or the error."""
        cached = self.services.refresher.cached([view.company.ticker])[view.company.ticker]
        for event in events:
            view = (replace(view, error=event.error) if event.error
                    else self._with_fetched(view, cached, event.part))
        return view

    @staticmethod
    def _with_fetched(view: TickerView, cached: CachedData, part: str) -> TickerView:
        """The view with the part this fetch just wrote, as live: it was fetched now (the
        cache says "cached" of everything it holds)."""

        def live(found: Any) -> Any:
            return None if found is None else replace(
                found, origin=Origin(Provenance.LIVE, found.origin.as_of))

        view = replace(view, error="")
        if part == "prices":
            return merge(view, history=live(cached.history), quote=live(cached.quote))
        if part == "quote":
            return merge(view, quote=live(cached.quote))
        if part == "fundamentals":
            return merge(view, fundamentals=live(cached.fundamentals))
        return view

    def _progress(self) -> str:
        """"refreshing…", with how far it got for a long list ("refreshing 37/100")."""
        if len(self.tickers) < PROGRESS_FROM:
            return "refreshing…"
        return f"refreshing {len(self._landed)}/{len(self.tickers)}"

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        """The final word now, with what landed last (the first of it now, the rest in turns)."""
        if self._apply_timer is not None:
            self._apply_timer.stop()
        self._fetching = False
        self.refresh_note = message.event.message
        self._apply_landed()
        self._schedule_refresh()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's crash lands: shown, never thrown."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self._fetching = False
            self.refreshing = bool(self._unshown)  # else the last apply says it is all shown
            self.refresh_note = f"refresh failed: {type(error).__name__}: {error}"
            self._update_status()
            self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        """The next refresh starts after this one ends, so two can never overlap."""
        minutes = self.services.config.refresh_minutes
        self._next_refresh = self.set_timer(minutes * 60, self._scheduled_refresh)

    def _scheduled_refresh(self) -> None:
        self._next_refresh = None
        if market_open(self.services.clock()):
            self.start_refresh()
        else:
            self._schedule_refresh()

    def action_refresh(self) -> None:
        """r: fetch now, ignoring freshness, and pick up notes and share / segment files
        edited outside the app."""
        self.reload_user_rows()
        self.reload_notes()
        self.start_refresh(force=True)

    def reload_user_rows(self) -> None:
        """Re-read the user's market-share and cloud-segment files; their problems replace
        the old ones (the caller re-summarises)."""
        self.snapshot = with_user_rows(self.snapshot)
        self.views = {ticker: replace(view, cloud=self.snapshot.cloud.get(ticker, ()))
                      for ticker, view in self.views.items()}
        for screen in self.screen_stack:
            for bars in screen.query(ShareBars):
                bars.shares = self.shares
        for problem in self.snapshot.problems:
            self.notify(problem, severity="warning", markup=False)

    def _summarise(self) -> None:
        now = self.now or self.services.clock()
        summaries = resummarise(self.summaries, self.views, self.shares, self.note_texts, now)
        if self._holds_anything():
            from aiwatch.holdings import ADS, holdings, portfolio_text

            fx = fx_table(c.quote for c in self.services.refresher.cached(
                self._fx_pairs()).values())
            self.holdings = holdings(self.list_editor.config, self.views, fx)
            self.portfolio = portfolio_text(self.holdings.total)
            summaries = with_holdings(summaries, self.holdings.positions, self.holdings.ads,
                                      ADS)
        self.summaries = summaries

    def _holds_anything(self) -> bool:
        """Positions in the config, or BABA and 9988.HK both listed: only then are holdings
        (and their modules) needed."""
        return bool(self.list_editor.config.positions.symbols) or (
            ADS_SYMBOL in self.views and ORDINARY_SYMBOL in self.views)

    def _fx_pairs(self) -> list[str]:
        """The FX pairs the holdings need fetched with the quotes (none without holdings)."""
        if not self._holds_anything():
            return []
        from aiwatch.holdings import fx_pairs

        return fx_pairs(self.list_editor.config, self.views)

    def on_edit_symbol(self, message: EditSymbol) -> None:
        if message.kind == "remove":
            self.remove_symbol(message.ticker)
        else:
            self.move_symbol(message.ticker, message.step)

    def action_compare(self) -> None:
        from aiwatch.screens.compare import CompareScreen

        if not isinstance(self.screen, CompareScreen):
            self.push_screen(CompareScreen(self.shown_tickers()))

    def action_race(self) -> None:
        from aiwatch.screens.race import RaceScreen

        if not isinstance(self.screen, RaceScreen):
            views = [self.views[t] for t in self.shown_tickers()]
            self.push_screen(RaceScreen(build_race(views, self.shares)))

    def on_open_detail(self, message: OpenDetail) -> None:
        from aiwatch.screens.detail import DetailScreen  # plotext: loaded when first needed

        self.push_screen(DetailScreen(message.ticker, self.shown_tickers(), self.journal,
                                      self.fetch_history), self._select_card)

    def _select_card(self, ticker: str | None) -> None:
        """Back from the detail screen: the watchlist selects the symbol last shown."""
        home = self.screen
        if ticker in self.tickers and isinstance(home, WatchlistScreen):
            home.select_ticker(ticker)

    def action_sources(self) -> None:
        """The publication and URL behind every share figure shown, and rejected lines."""
        from aiwatch.screens.sources import SourcesScreen

        if not isinstance(self.screen, SourcesScreen):
            folder = display_path(self.snapshot.user_dir) if self.snapshot.user_dir else "none"
            yours = set(self.shares) - set(self.snapshot.bundled_shares)
            self.push_screen(SourcesScreen(self.shares, self.snapshot.rejected, folder, yours))

    def action_help(self) -> None:
        from aiwatch.screens.detail import DetailScreen
        from aiwatch.screens.help import HelpScreen
        from aiwatch.screens.notes import NotesScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen([
            ("Everywhere", list(self.BINDINGS)),
            ("Watchlist", list(WatchlistScreen.BINDINGS)),
            ("Detail", list(DetailScreen.BINDINGS)),
            ("Note editor", list(NotesScreen.BINDINGS)),
        ], {name: display_path(path) for name, path in user_paths().items()},
            dict(self.services.config.keymap)))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        tables = [self.COMMANDS_TABLE, getattr(screen, "COMMANDS_TABLE", ())]
        for table, target in zip(tables, (self, screen), strict=True):
            for command in palette_entries(table):
                yield SystemCommand(command.palette, command.palette_help,
                                    partial(self.call_later, target.run_action, command.action))
        for ticker in self.tickers:
            yield SystemCommand(
                f"Detail: {ticker}", f"Chart and earnings table for {ticker}",
                lambda t=ticker: self.post_message(OpenDetail(t)),
            )
            yield SystemCommand(
                f"Note: {ticker}", f"Edit the thesis note for {ticker}",
                lambda t=ticker: self.post_message(OpenNote(t)),
            )
