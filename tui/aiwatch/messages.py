"""Messages that flow up from workers and widgets to the app."""

from __future__ import annotations

from textual.message import Message

from aiwatch.refresh import RefreshOutcome


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


class RefreshFinished(Message):
    """The refresh worker is done; `outcome` holds the fresh parts and what failed."""

    def __init__(self, outcome: RefreshOutcome, tickers: tuple[str, ...]) -> None:
        super().__init__()
        self.outcome = outcome
        self.tickers = tickers
