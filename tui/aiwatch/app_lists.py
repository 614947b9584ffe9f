"""The app's side of shaping the list: add (a), remove (d) and undo (u), reorder (shift+←/→),
sort (s), switch lists (L), cards or compact (v), the theme; each saved through ListEditor,
then the home screen rebuilt for the new list, keeping the selection where the user is.

A mixin of AiwatchApp, kept apart so the app stays a hub: it uses the app's views, summaries,
services and refresh, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiwatch.list_editor import EditError
from aiwatch.ordering import ORDERS, next_order, ordered
from aiwatch.refresh import FetchEvent
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.store.config import Config
from aiwatch.widgets.format import use_palette

if TYPE_CHECKING:
    from aiwatch.app import AiwatchApp

COMPACT_BELOW = (100, 30)  # view = "auto": the compact table below this many columns × rows


class ListActions:
    """Mixed into AiwatchApp (`self` is the app)."""

    def shown_tickers(self: AiwatchApp) -> tuple[str, ...]:
        """The list in the order chosen with `s`."""
        return ordered(self.tickers, self.summaries, self.list_editor.config.sort)

    def compact_view(self: AiwatchApp) -> bool:
        view = self.list_editor.config.view
        if view == "auto":
            columns, rows = COMPACT_BELOW
            return self.size.width < columns or self.size.height < rows
        return view == "compact"

    def home(self: AiwatchApp, select: str | None = None) -> WatchlistScreen:
        return WatchlistScreen(self.shown_tickers(), compact=self.compact_view(),
                               select=select)

    def _edit(self: AiwatchApp, edit: Callable[[], Config], select: str | None = None,
              said: str = "") -> bool:
        """Make the edit; show the list it leaves, selecting `select` (else where the user
        was); say `said`, or why the edit was not made."""
        try:
            config = edit()
        except EditError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return False
        self._show_list(config, select)
        if said:
            note = "" if self.list_editor.saved else " (this session only: --tickers)"
            self.notify(said + note, markup=False)
        return True

    def _show_list(self: AiwatchApp, config: Config, select: str | None) -> None:
        home = self.screen
        current = home.selected_ticker if isinstance(home, WatchlistScreen) else None
        added = [t for t in config.tickers if t not in self.views]
        self.tickers = config.tickers
        for problem in self._read_in(added):
            self.notify(problem, severity="warning", markup=False)
        self._summarise()
        target = select if select in config.tickers else current
        if isinstance(home, WatchlistScreen):
            self.switch_screen(self.home(target if target in config.tickers else None))
        self._update_status()
        if added and self.services.fetcher is not None:
            self.start_refresh()  # only what is stale: the new symbols

    def action_add_symbol(self: AiwatchApp) -> None:
        from aiwatch.screens.add_symbol import AddSymbolScreen

        def add(ticker: str | None) -> None:
            if ticker is None:
                return
            home = self.screen
            at = (self.tickers.index(home.selected_ticker) + 1
                  if isinstance(home, WatchlistScreen) and home.tickers else None)
            online = self.services.fetcher is not None
            said = f"{ticker} added" + ("; asking Yahoo about it" if online
                                        else " (unverified: offline)")
            if self._edit(lambda: self.list_editor.add(ticker, at), ticker, said) and online:
                self.unverified.add(ticker)

        known = sorted(self.snapshot.companies)
        self.push_screen(AddSymbolScreen(known, self.tickers), add)

    def reject_unknown_added(self: AiwatchApp, event: FetchEvent) -> bool:
        """A symbol just added that Yahoo does not know is taken out again, and said so;
        anything else Yahoo answers about it verifies it."""
        if event.ticker not in self.unverified:
            return False
        self.unverified.discard(event.ticker)
        if not event.error.startswith("unknown symbol"):
            return False
        self.call_later(self._edit, lambda: self.list_editor.remove(event.ticker), None,
                        f"{event.ticker} not added: Yahoo has no such symbol")
        return True

    def remove_symbol(self: AiwatchApp, ticker: str) -> None:
        shown = self.shown_tickers()
        after = shown[min(shown.index(ticker) + 1, len(shown) - 1)] if ticker in shown else None
        self._edit(lambda: self.list_editor.remove(ticker),
                   after if after != ticker else None, f"{ticker} removed · u to undo")

    def action_undo_remove(self: AiwatchApp) -> None:
        try:
            config, ticker = self.list_editor.undo()
        except EditError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._show_list(config, ticker)
        self.notify(f"{ticker} back in the list", markup=False)

    def move_symbol(self: AiwatchApp, ticker: str, step: int) -> None:
        sort = self.list_editor.config.sort
        if sort != "list":
            self.notify(f"sorted by {ORDERS[sort]}: s until list order to reorder by hand",
                        severity="warning", markup=False)
            return
        self._edit(lambda: self.list_editor.move(ticker, step), ticker)

    def action_next_sort(self: AiwatchApp) -> None:
        order = next_order(self.list_editor.config.sort)
        self._edit(lambda: self.list_editor.set_sort(order), said=f"sorted by {ORDERS[order]}")

    def action_set_sort(self: AiwatchApp, order: str) -> None:
        """A click on a column of the compact table: sort by it (again: back to list order)."""
        order = "list" if order == self.list_editor.config.sort else order
        self._edit(lambda: self.list_editor.set_sort(order), said=f"sorted by {ORDERS[order]}")

    def action_next_list(self: AiwatchApp) -> None:
        if self._edit(self.list_editor.next_list):
            config = self.list_editor.config
            self.notify(f"list {config.lists.active}: {len(config.tickers)} symbols",
                        markup=False)

    def action_toggle_view(self: AiwatchApp) -> None:
        view = "cards" if self.compact_view() else "compact"
        self._edit(lambda: self.list_editor.set_view(view), said=f"{view} view")

    def watch_theme(self: AiwatchApp, theme: str) -> None:
        """A theme chosen in the palette is kept for the next start, and the figures' colours
        follow it (a light theme gets darker greens and reds)."""
        use_palette(self.current_theme.dark)
        if self.is_mounted:
            self.summaries = dict(self.summaries)  # every view draws its rows again
        if self.is_mounted and theme != self.list_editor.config.theme:
            try:
                self.list_editor.set_theme(theme)
            except EditError as exc:
                self.notify(str(exc), severity="warning", markup=False)
