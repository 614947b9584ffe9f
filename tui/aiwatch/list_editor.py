"""The user's edits of the watchlist (add, remove, undo, reorder, sort, view, list, theme),
saved to config.toml through store/config_edit.py, which keeps their comments and layout.

A session started with `--tickers` edits in memory only and says so: that list is not the
config's. Every failure comes back as a sentence; the list shown then stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from msgspec import Struct
from msgspec.structs import replace

from aiwatch.store.config import Config

UNDO_DEPTH = 20


def _config_edit():  # noqa: ANN202 - the module, loaded on the first edit (tomlkit ~90 ms)
    from aiwatch.store import config_edit

    return config_edit


class Removed(Struct, frozen=True):
    """What `u` puts back: the symbol, where it was, and in which list."""

    ticker: str
    position: int
    list_name: str


class EditError(Exception):
    """The edit was not made; the message says why."""


class ListEditor:
    def __init__(self, path: Path | None, config: Config) -> None:
        self.path = path
        self.config = config
        self._removed: list[Removed] = []

    @property
    def saved(self) -> bool:
        """List edits reach the file (not in a `--tickers` session, nor without a file)."""
        return self.path is not None and not self.config.session_tickers

    def _edit(self, save: Callable[[], Config], in_memory: Callable[[Config], Config],
              of_list: bool = True) -> Config:
        """Save the edit and take the config the file now holds. In a `--tickers` session a
        list edit stays in memory; other settings are saved, the session's list kept."""
        if self.path is None or (of_list and not self.saved):
            self.config = in_memory(self.config)
            return self.config
        from aiwatch.store.config_edit import ConfigEditError  # tomlkit: not at start-up

        try:
            saved = save()
        except ConfigEditError as exc:
            raise EditError(str(exc)) from exc
        if not self.saved:
            saved = replace(saved, tickers=self.config.tickers, session_tickers=True)
        self.config = saved
        return self.config

    def add(self, ticker: str, at: int | None = None) -> Config:
        if ticker in self.config.tickers:
            raise EditError(f"{ticker} is already in the list")
        spot = len(self.config.tickers) if at is None else at
        return self._edit(
            lambda: _config_edit().add_ticker(self._path, ticker, spot),
            lambda c: replace(c, tickers=(*c.tickers[:spot], ticker, *c.tickers[spot:])))

    def remove(self, ticker: str) -> Config:
        tickers = self.config.tickers
        if ticker not in tickers:
            raise EditError(f"{ticker} is not in the list")
        if len(tickers) == 1:
            raise EditError(f"{ticker} is the list's only symbol; it stays")
        removed = Removed(ticker, tickers.index(ticker), self.config.lists.active)
        config = self._edit(lambda: _config_edit().remove_ticker(self._path, ticker),
                            lambda c: replace(c, tickers=tuple(t for t in tickers
                                                               if t != ticker)))
        self._removed = [*self._removed[-UNDO_DEPTH + 1:], removed]
        return config

    @property
    def _path(self) -> Path:
        assert self.path is not None  # _edit saves only with a file
        return self.path

    @property
    def can_undo(self) -> bool:
        return bool(self._removed)

    def undo(self) -> tuple[Config, str]:
        """Put the last removed symbol back where it was; the config and that symbol."""
        if not self._removed:
            raise EditError("nothing to undo")
        last = self._removed[-1]
        if last.list_name != self.config.lists.active:
            raise EditError(f"{last.ticker} was removed from the list {last.list_name}; "
                            f"switch to it (L) to undo")
        config = self.add(last.ticker, last.position)
        self._removed.pop()
        return config, last.ticker

    def move(self, ticker: str, step: int) -> Config:
        tickers = self.config.tickers
        spot = tickers.index(ticker) + step
        if not 0 <= spot < len(tickers):
            return self.config
        rest = [t for t in tickers if t != ticker]
        return self._edit(lambda: _config_edit().move_ticker(self._path, ticker, spot),
                          lambda c: replace(c, tickers=(*rest[:spot], ticker, *rest[spot:])))

    def switch_list(self, name: str) -> Config:
        lists = self.config.lists
        tickers = lists.get(name)
        if tickers is None:
            raise EditError(f"no list named {name}")
        return self._edit(lambda: _config_edit().switch_list(self._path, name),
                          lambda c: replace(c, tickers=tickers,
                                            lists=replace(lists, active=name)))

    def next_list(self) -> Config:
        names = self.config.lists.names
        if len(names) < 2:
            raise EditError("only one list: add [lists.<name>] tickers = [...] to the config")
        position = names.index(self.config.lists.active) if self.config.lists.active in names \
            else -1
        return self.switch_list(names[(position + 1) % len(names)])

    def set_sort(self, sort: str) -> Config:
        return self._edit(lambda: _config_edit().set_sort(self._path, sort),
                          lambda c: replace(c, sort=sort), of_list=False)

    def set_view(self, view: str) -> Config:
        return self._edit(lambda: _config_edit().set_view(self._path, view),
                          lambda c: replace(c, view=view), of_list=False)

    def set_theme(self, theme: str) -> Config:
        return self._edit(lambda: _config_edit().set_theme(self._path, theme),
                          lambda c: replace(c, theme=theme), of_list=False)
