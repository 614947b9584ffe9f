"""What the watchlist knows right now, without the UI and without the network: the snapshot,
the cache over it, and the notes' checks, as the summaries the cards show. For `aiwatch
check` and `aiwatch export`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiwatch.feed import cached_views
from aiwatch.refresh import Refresher
from aiwatch.sources.snapshot import Snapshot
from aiwatch.store.notes import NotesError, NotesStore
from aiwatch.summary import TickerSummary, summarise


def known_summaries(tickers: Sequence[str], snapshot: Snapshot, refresher: Refresher,
                    notes: NotesStore, now: datetime) -> tuple[list[TickerSummary], list[str]]:
    """The summary of each ticker, in order, and what could not be read (one line each).
    Notes are read, never written: a symbol without one is judged by the note the app would
    start it with (the bundled thesis)."""
    views = cached_views(snapshot, tickers, refresher.cached(tickers))
    problems = []
    summaries = []
    for ticker in tickers:
        text = ""
        try:
            text = notes.read(ticker).text if notes.path(ticker).exists() \
                else notes.seed_text(ticker)
        except NotesError as exc:
            problems.append(f"{ticker}: note not read: {exc.reason}")
        except (OSError, ValueError) as exc:
            problems.append(f"{ticker}: note not read: {exc}")
        summaries.append(summarise(views[ticker], snapshot.shares, text, now))
    return summaries, problems
