"""Decides what to fetch, fetches it, keeps it: the refresh behind the cards, free of any UI.

The app paints from `cached()` at start and runs `refresh()` in a thread worker. Only what is
older than its time-to-live is fetched; a failure leaves the cache's last good data alone and
comes back as messages. A run stopped by a rate limit (HTTP 429), no network or a timeout starts
a back-off that doubles (60 s to 15 min) while the failures go on and ends at the first run that
is not stopped; during it refresh() makes no request at all, except that a forced refresh (`r`)
still tries once after a network failure (never against a 429).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiwatch.model import Fundamentals, PriceHistory, Quote
from aiwatch.sources.yahoo import YahooError, YahooSource
from aiwatch.store.cache import Cache, Kind

FIRST_BACKOFF = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=15)
STOPPING = ("offline", "timeout", "rate_limited")  # kinds after which asking more is pointless


@dataclass(frozen=True, slots=True)
class Ttl:
    """How long fetched data counts as fresh."""

    quote: timedelta = timedelta(minutes=5)
    history: timedelta = timedelta(hours=6)
    fundamentals: timedelta = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class CachedData:
    """What the cache holds for one ticker (each part None when it holds none)."""

    history: PriceHistory | None = None
    quote: Quote | None = None
    fundamentals: Fundamentals | None = None


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    """The fresh objects of one refresh (Origin LIVE), and what went wrong.

    `errors` holds per-ticker messages for the cards; `message` the overall one for the status
    bar ("" when nothing failed); `backoff_until` is set while backing off.
    """

    histories: Mapping[str, PriceHistory] = field(default_factory=dict)
    quotes: Mapping[str, Quote] = field(default_factory=dict)
    fundamentals: Mapping[str, Fundamentals] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    message: str = ""
    backoff_until: datetime | None = None


class Refresher:
    """Refreshes stale data from a YahooSource into a Cache; source None means offline."""

    def __init__(self, cache: Cache, source: YahooSource | None,
                 clock: Callable[[], datetime], ttl: Ttl = Ttl()) -> None:
        self._cache = cache
        self._source = source
        self._clock = clock
        self._ttl = ttl
        self._lock = threading.Lock()  # one refresh at a time, whoever asks
        self._backoff_until: datetime | None = None
        self._backoff = FIRST_BACKOFF
        self._backoff_reason = ""  # the message of the failure that started the back-off
        self._backoff_kind = ""  # its YahooError kind

    @property
    def offline(self) -> bool:
        """No source: refresh() would only answer "offline"."""
        return self._source is None

    @property
    def cache_problem(self) -> str:
        """What is wrong with the cache now (a lock, a full disk…); "" when nothing is."""
        return self._cache.problem

    @property
    def backoff_until(self) -> datetime | None:
        return self._backoff_until

    def cached(self, tickers: Iterable[str]) -> dict[str, CachedData]:
        """Whatever the cache has for each ticker; never touches the network."""
        return {t: CachedData(self._cache.get_history(t), self._cache.get_quote(t),
                              self._cache.get_fundamentals(t)) for t in tickers}

    def refresh(self, tickers: Iterable[str], force: bool = False) -> RefreshOutcome:
        """Fetch what is stale (everything when `force`), store it, and return it. Blocking."""
        symbols = list(dict.fromkeys(t.upper() for t in tickers))
        if self._source is None:
            return RefreshOutcome(message="offline")
        with self._lock:
            if self._backing_off(force):
                return RefreshOutcome(message=self._backoff_message(),
                                      backoff_until=self._backoff_until)
            run = _Run(self._source)
            run.prices([t for t in symbols if force or self._stale_prices(t)])
            for ticker in [t for t in symbols if force or self._stale("fundamentals", t)]:
                if run.stopped:
                    break
                run.fundamentals(ticker)
            self._store(run)
            if run.stopped:
                self._start_backoff(run.stopped, run.summary())
                message = self._backoff_message() if run.stopped == "rate_limited" else (
                    run.summary())
                return run.outcome(message, self._backoff_until)
            self._backoff_until, self._backoff = None, FIRST_BACKOFF
            return run.outcome(run.summary())

    def _backing_off(self, force: bool) -> bool:
        """Whether this refresh must not ask: a back-off runs, and `r` may not override it
        (it may after a network failure, which costs one request; never against a 429)."""
        if self._backoff_until is None or self._clock() >= self._backoff_until:
            return False
        return not force or self._backoff_kind == "rate_limited"

    def _stale(self, kind: Kind, ticker: str) -> bool:
        fetched = self._cache.fetched_at(kind, ticker)
        ttl: timedelta = getattr(self._ttl, kind)
        return fetched is None or self._clock() - fetched >= ttl

    def _stale_prices(self, ticker: str) -> bool:
        """History and quote come from one chart request, so either being stale fetches both."""
        return self._stale("quote", ticker) or self._stale("history", ticker)

    def _store(self, run: _Run) -> None:
        for history in run.histories.values():
            self._cache.put_history(history)
        for quote in run.quotes.values():
            self._cache.put_quote(quote)
        for fundamentals in run.fundamentals_done.values():
            self._cache.put_fundamentals(fundamentals)

    def _start_backoff(self, kind: str, reason: str) -> None:
        self._backoff_until = self._clock() + self._backoff
        self._backoff = min(self._backoff * 2, MAX_BACKOFF)
        self._backoff_kind, self._backoff_reason = kind, reason

    def _backoff_message(self) -> str:
        until = self._backoff_until or self._clock()
        seconds = max(0, round((until - self._clock()).total_seconds()))
        if self._backoff_kind == "rate_limited":
            return f"Yahoo rate limit (429) — backing off {seconds} s"
        return f"{self._backoff_reason} — next try in {seconds} s"


class _Run:
    """One refresh's fetches and their results; stops at the first network-wide failure."""

    def __init__(self, source: YahooSource) -> None:
        self._source = source
        self.histories: dict[str, PriceHistory] = {}
        self.quotes: dict[str, Quote] = {}
        self.fundamentals_done: dict[str, Fundamentals] = {}
        self.errors: dict[str, str] = {}
        self.stopped: str = ""  # the YahooError kind that ended the run early
        self._stopped_message = ""

    def prices(self, tickers: list[str]) -> None:
        if not tickers:
            return
        try:
            results = self._source.fetch_prices(tickers)
        except YahooError as exc:
            self._stop(exc, tickers)
            return
        for ticker, result in results.items():
            if isinstance(result, YahooError):
                self._fail(ticker, result)
                continue
            self.histories[ticker] = result.history
            if result.quote is not None:
                self.quotes[ticker] = result.quote

    def fundamentals(self, ticker: str) -> None:
        try:
            self.fundamentals_done[ticker] = self._source.fetch_fundamentals(ticker)
        except YahooError as exc:
            self._fail(ticker, exc)

    def _fail(self, ticker: str, error: YahooError) -> None:
        if error.kind in STOPPING:
            self._stop(error, [ticker])
        else:
            self.errors[ticker] = str(error)

    def _stop(self, error: YahooError, tickers: list[str]) -> None:
        for ticker in tickers:
            self.errors[ticker] = str(error)
        if not self.stopped:
            self.stopped, self._stopped_message = error.kind, str(error)

    def summary(self) -> str:
        """The status-bar message: what stopped the run, else each distinct ticker failure."""
        return self._stopped_message or "; ".join(dict.fromkeys(self.errors.values()))

    def outcome(self, message: str, backoff_until: datetime | None = None) -> RefreshOutcome:
        return RefreshOutcome(self.histories, self.quotes, self.fundamentals_done, self.errors,
                              message, backoff_until)
