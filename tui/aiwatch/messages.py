"""Messages that flow up from workers and widgets to the app."""

from __future__ import annotations

from textual.message import Message


class OpenDetail(Message):
    """A card asked for its detail screen."""

    def __init__(self, ticker: str) -> None:
        super().__init__()
        self.ticker = ticker
