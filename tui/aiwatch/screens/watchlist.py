"""Home: the cards side by side (or the compact table, one line per symbol), market-share bars
and, where the terminal has room, the cloud race beside them; a status line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.events import Resize, ScreenResume
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.widgets import DataTable

    from aiwatch.widgets.compact_table import CompactTable

from aiwatch.commands import Command, bindings
from aiwatch.messages import EditSymbol, OpenDetail, OpenNote
from aiwatch.race import build_race
from aiwatch.summary import TickerSummary
from aiwatch.text import visible
from aiwatch.widgets.format import fit_status
from aiwatch.widgets.keys_footer import KeysFooter
from aiwatch.widgets.race_panel import RacePanel
from aiwatch.widgets.share_bars import ShareBars
from aiwatch.widgets.ticker_card import TickerCard

WIDE, MEDIUM = 120, 80  # columns at which the cards go 4-up, then 2-up; below: a list
MODES = {4: "-wide", 2: "-medium", 1: "-narrow"}
FIRST_CARDS = 12  # built before the first paint (three rows of four); the rest after it
LATER_BATCH = 4  # cards built per turn after the first paint (a row of four)
ROOMY = (150, 42)  # columns × rows from which the cloud race sits beside the share bars


def columns_for(width: int) -> int:
    return 4 if width >= WIDE else 2 if width >= MEDIUM else 1


class WatchlistScreen(Screen[None]):
    COMMANDS_TABLE = (
        Command("watchlist.next", "right,l", "move(1)", "Next card", key_display="→/l"),
        Command("watchlist.previous", "left,h", "move(-1)", "Previous card", key_display="←/h",
                show=False),
        Command("watchlist.down", "down,j", "move_row(1)", "Card below", show=False,
                key_display="↓/j", priority=True),
        Command("watchlist.up", "up,k", "move_row(-1)", "Card above", show=False,
                key_display="↑/k", priority=True),
        Command("watchlist.detail", "enter", "detail", "Detail"),
        Command("watchlist.note", "n", "note", "Note"),
        Command("watchlist.editor", "e", "note(True)", "Note in $EDITOR", show=False),
        Command("watchlist.add", "a", "app.add_symbol", "Add a symbol", "Add a symbol",
                "Put any Yahoo symbol in the list", show=False),
        Command("watchlist.remove", "d", "remove", "Remove the symbol", "Remove the symbol",
                "Take the selected symbol out of the list (u puts it back)", show=False),
        Command("watchlist.undo", "u", "app.undo_remove", "Undo remove", show=False),
        Command("watchlist.shift_right", "shift+right", "shift(1)", "Move right", show=False,
                key_display="shift+→"),
        Command("watchlist.shift_left", "shift+left", "shift(-1)", "Move left", show=False,
                key_display="shift+←"),
        Command("watchlist.sort", "s", "app.next_sort", "Sort", "Sort the list",
                "List order, day change, 1-month return, cloud growth, failing checks"),
        Command("watchlist.list", "L", "app.next_list", "Next list", "Next list",
                "Switch to the next [lists.<name>] of the config", show=False),
        Command("watchlist.view", "v", "app.toggle_view", "View", "Cards or compact view",
                "One card per symbol, or one line per symbol"),
        Command("watchlist.compare", "c", "app.compare", "Compare", "Compare",
                "Every symbol rebased to 100, with returns, cloud growth and checks"),
        Command("watchlist.race", "w", "app.race", "Cloud race", "Cloud race",
                "Cloud growth, share and capex per company over 8 quarters", show=False),
        *(Command(f"watchlist.jump{n}", str(n), f"jump({n})", "Jump to card 1–9", show=False,
                  key_display="1–9") for n in range(1, 10)),
    )
    BINDINGS = bindings(COMMANDS_TABLE)

    # The first card takes the focus as the screen is composed, as on_mount's _select(0) does:
    # Textual's default focuses the scrolling #body first, and each focus change of #body (on,
    # then off to the card) restyles every card in it (~2 x 60 ms at 100 cards, profiled).
    AUTO_FOCUS = "TickerCard"

    # Textual's own repaints the whole screen on every focus move (≈45 ms at 100 cards): the
    # cards whose focus changed repaint themselves (their :focus style), nothing else need.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, tickers: tuple[str, ...], compact: bool = False,
                 select: str | None = None) -> None:
        super().__init__()
        self.tickers = tickers  # in the order shown
        self.compact = compact  # the one-line-per-symbol table instead of cards
        self.selected = tickers.index(select) if select in tickers else 0  # what keys act on
        self._cards: list[TickerCard] = []
        self._mounted = FIRST_CARDS  # cards composed or mounted so far (some may be mounting)
        self._resumed = False
        if compact:
            self.AUTO_FOCUS = "CompactTable"

    def compose(self) -> ComposeResult:
        # The mode for the terminal's width from the start: set on the first resize, it would
        # restyle every card composed before it (~50 ms at 100 cards, profiled).
        self.add_class(MODES[columns_for(self.app.size.width)])
        self.set_class(self._roomy(self.app.size.width, self.app.size.height), "-roomy")
        with VerticalScroll(id="body"):
            if self.compact:
                from aiwatch.widgets.compact_table import NARROW_BELOW, CompactTable  # DataTable

                yield CompactTable(id="compact", narrow=self.app.size.width < NARROW_BELOW)
            else:
                with Grid(id="cards", classes="cards"):
                    for ticker in self.tickers[:FIRST_CARDS]:
                        yield TickerCard(ticker)
                if len(self.tickers) > FIRST_CARDS:
                    yield Widget(id="later")
            with Horizontal(id="panels"):
                yield ShareBars(id="shares")
                yield RacePanel(id="race")
        yield Static(id="status")
        yield KeysFooter()

    def _on_screen_resume(self, event: ScreenResume) -> None:
        """Runs before Screen's own handler. The screen's first resume comes right after its
        mount, which styled every node: Textual would style the whole screen again (~5 ms of
        a start). Later resumes are left as Textual has them."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        self.watch(self.app, "summaries", self._show_summaries)
        self.watch(self.app, "status", self._show_status)
        self.watch(self.app, "now", self._show_now)
        self.watch(self.app, "refreshing", self._show_refreshing)
        self.query_one(ShareBars).shares = self.app.shares  # type: ignore[attr-defined]
        if self.selected >= FIRST_CARDS:
            self._mount_rest(all_at_once=True)
            self.call_after_refresh(self._select, self.selected)
        else:
            self._select(self.selected)
            self.app.after_paint(self, self._mount_rest)  # type: ignore[attr-defined]

    def _mount_rest(self, all_at_once: bool = False) -> None:
        """The cards past the first screenful, a row of LATER_BATCH at a time, each after the
        last is laid out and painted: the first paint builds only what it shows, building a
        card costs ~14 M instructions, and keys are served between batches.

        Each batch is a grid of its own in #later: a card added beside others changes their
        painting order, and Textual repaints every one of them on screen (batches of 12 added
        to the first grid held the loop 70-100 ms at 100 cards). Only the later grids on
        screen, if any, are repainted as a grid comes after them."""
        mounted = self._mounted
        batch = self.tickers[mounted:] if all_at_once else (
            self.tickers[mounted:mounted + LATER_BATCH])
        if self.compact or not batch:
            return
        later = self.query_one("#later")
        if mounted == FIRST_CARDS and not all_at_once and later.styles.min_height is None:
            # The guessed height first, in a turn of its own: it lays out and repaints the
            # whole screen once (~40 ms at 160x45).
            later.styles.min_height = self._later_height()
            later.call_after_refresh(self._mount_rest)
            return
        cards = [TickerCard(ticker) for ticker in batch]
        summaries = self.app.summaries  # type: ignore[attr-defined]
        for card in cards:
            card.summary = summaries.get(card.ticker)
            card.now = self.app.now  # type: ignore[attr-defined]
            card.awaiting = self.app.refreshing  # type: ignore[attr-defined]
        later.mount(Grid(*cards, classes="cards"))
        self._mounted += len(batch)
        # What comes next is queued behind the batch's mounting, to run after the refresh
        # that lays the batch out.
        if self._mounted == len(self.tickers):
            later.styles.min_height = None
            cards[-1].call_after_refresh(self.app.cards_built)  # type: ignore[attr-defined]
        elif not all_at_once:
            cards[-1].call_after_refresh(self._mount_rest)

    def _later_height(self) -> int:
        """The lines the cards yet to be built will take, guessed as rows as tall as the first
        grid's middle card: #later keeps that height while they arrive, so the list's height
        (and the scrollbar) stays put; each change of it repainted the whole screen (~20 ms a
        batch). A guess that is off costs that as the last batch comes (too high), or at each
        batch past it (too low). The median, not the tallest: the first cards are often the
        best covered (a cold 100-ticker start: 19 lines, the rest 15)."""
        heights = sorted(card.outer_size.height for card in self.cards[:FIRST_CARDS])
        return -(-(len(self.tickers) - FIRST_CARDS) // self.columns) * heights[len(heights) // 2]

    @staticmethod
    def _roomy(width: int, height: int) -> bool:
        return width >= ROOMY[0] and height >= ROOMY[1]

    @property
    def cards(self) -> list[TickerCard]:
        """The cards in order: composed once and never changed, so looked up once (a query of
        the DOM per key cost ~4 ms at 100 cards). None in the compact view."""
        if not self.compact and len(self._cards) != len(self.tickers):
            self._cards = list(self.query(TickerCard))
        return self._cards

    def _show_summaries(self, summaries: dict[str, TickerSummary]) -> None:
        for card in self.cards:
            card.summary = summaries.get(card.ticker)
        if self.compact:
            self._table().show(self.tickers, summaries)
        if self.has_class("-roomy"):
            self._show_race(summaries)

    def _table(self) -> CompactTable:
        from aiwatch.widgets.compact_table import CompactTable

        return self.query_one(CompactTable)

    def _show_race(self, summaries: dict[str, TickerSummary]) -> None:
        views = [summaries[t].view for t in self.tickers if t in summaries]
        self.query_one(RacePanel).race = build_race(views, self.app.shares)  # type: ignore[attr-defined]

    def _show_status(self, status: str) -> None:
        """One line, its height fixed by the stylesheet: repainted, never a cause of layout
        (which visits every card)."""
        line = fit_status(visible(status), (self.size.width or self.app.size.width) - 2)
        self.query_one("#status", Static).update(Text(line), layout=False)

    def _show_now(self, now: object) -> None:
        for card in self.cards:
            card.now = now  # type: ignore[assignment]

    def _show_refreshing(self, refreshing: bool) -> None:
        for card in self.cards:
            card.awaiting = refreshing

    def on_resize(self, event: Resize) -> None:
        """Switch the grid's mode class only when the width crosses a threshold: each class
        change restyles the whole screen."""
        mode = MODES[columns_for(event.size.width)]
        if not self.has_class(mode):
            self.remove_class(*MODES.values(), update=False)
            self.add_class(mode)
        self._show_status(self.app.status)  # type: ignore[attr-defined]
        roomy = self._roomy(event.size.width, event.size.height)
        if roomy != self.has_class("-roomy"):
            self.set_class(roomy, "-roomy")
            if roomy:
                self._show_race(self.app.summaries)  # type: ignore[attr-defined]

    @property
    def columns(self) -> int:
        return columns_for(self.size.width)

    @property
    def selected_ticker(self) -> str:
        return self.tickers[self.selected]

    def card_for(self, ticker: str) -> TickerCard:
        """The card showing `ticker` (cards carry no ids: a symbol like 9988.HK is no id)."""
        return self.cards[self.tickers.index(ticker)]

    def on_compact_table_order_chosen(self, message: CompactTable.OrderChosen) -> None:
        self.app.run_action(f"set_sort({message.order!r})")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The compact table's cursor is the selection."""
        if event.cursor_row < len(self.tickers):
            self.selected = event.cursor_row

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.selected = event.cursor_row
        self.action_detail()

    def select_ticker(self, ticker: str) -> None:
        self._select(self.tickers.index(ticker))

    def _select(self, index: int) -> None:
        """Select a card now and focus it. Widget.focus() is deferred, so a key that arrives
        in the same burst would still see the old focus; the selection is this screen's own
        state and every key acts on what the keys before it left."""
        self.selected = index % len(self.tickers)
        if not self.compact and self.selected >= len(self.cards):  # not built yet: now
            self._mount_rest(all_at_once=True)
            self.call_after_refresh(self._select, self.selected)
            return
        if self.compact:
            self._table().move_cursor(row=self.selected, animate=False)
            return
        card = self.cards[self.selected]
        self.set_focus(card, scroll_visible=False)
        if not self.query_one("#body").region.contains_region(card.region):
            card.scroll_visible(animate=False)  # even a scroll of nothing redraws every card

    def on_descendant_focus(self) -> None:
        """A card focused from elsewhere (a click, tab) becomes the selection. Reads the
        screen's focus, which set_focus updates at once, not the event's (maybe stale) widget."""
        if isinstance(self.focused, TickerCard):
            self.selected = self.cards.index(self.focused)

    def action_move(self, step: int) -> None:
        """Left/right wrap around the ends of the list."""
        self._select(self.selected + step)

    def action_move_row(self, step: int) -> None:
        """Up/down move a whole row of the grid (a line of the compact table); past the top or
        bottom row they scroll, so the share panel under the cards is reachable."""
        index = self.selected + step * (1 if self.compact else self.columns)
        if 0 <= index < len(self.tickers):
            self._select(index)
            return
        body = self.query_one("#body", VerticalScroll)
        if step > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)

    def action_jump(self, number: int) -> None:
        if number <= len(self.tickers):
            self._select(number - 1)

    def action_detail(self) -> None:
        self.post_message(OpenDetail(self.selected_ticker))

    def action_note(self, external: bool = False) -> None:
        self.post_message(OpenNote(self.selected_ticker, external))

    def action_remove(self) -> None:
        self.post_message(EditSymbol("remove", self.selected_ticker))

    def action_shift(self, step: int) -> None:
        self.post_message(EditSymbol("move", self.selected_ticker, step))
