"""Messages that flow up from workers and widgets to the app."""

from __future__ import annotations

from textual.message import Message

from aiwatch.refresh import FetchEvent


class OpenDetail(Message):
    """A card asked for its detail screen."""

    def __init__(self, ticker: str) -> None:
        super().__init__()
        self.ticker = ticker


class OpenNote(Message):
    """A card asked for its note: in the app's editor, or in $EDITOR."""

    def __init__(self, ticker: str, external: bool = False) -> None:
        super().__init__()
        self.ticker = ticker
        self.external = external


class TickerFetched(Message):
    """A ticker's part landed in the cache during a refresh, or the ticker failed."""

    def __init__(self, event: FetchEvent) -> None:
        super().__init__()
        self.event = event


class RefreshFinished(Message):
    """The refresh is done; `event` holds the status-bar message and any back-off."""

    def __init__(self, event: FetchEvent, tickers: tuple[str, ...]) -> None:
        super().__init__()
        self.event = event
        self.tickers = tickers


class EditSymbol(Message):
    """The user asked to remove the selected symbol, or move it `step` places."""

    def __init__(self, kind: str, ticker: str, step: int = 0) -> None:
        super().__init__()
        self.kind = kind  # "remove" | "move"
        self.ticker = ticker
        self.step = step
