"""One refresh's fetching, loaded only where a refresh runs (the fetch process, or a test's
in-process fetcher): its thread pool, the Yahoo modules and the outcome it returns. The UI
process reads the cache through refresh.py and never loads this."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from msgspec import Struct, field

from aiwatch.model import Fundamentals, PriceHistory, Quote
from aiwatch.refresh import FetchEvent, longer_history
from aiwatch.store.cache import Cache

if TYPE_CHECKING:  # the Yahoo modules load as the run starts
    from aiwatch.sources.yahoo import PriceData, YahooError, YahooSource

STOPPING = ("offline", "timeout", "rate_limited")  # kinds after which asking more is pointless
WORKERS = 8  # concurrent requests: what yfinance's own download() runs on 4 cores (2 a core)
A = TypeVar("A")
R = TypeVar("R")
V = TypeVar("V")


class RefreshOutcome(Struct, frozen=True):
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
    fx: Mapping[str, Quote] = field(default_factory=dict)  # FX pairs' quotes (HKDUSD=X)


def request_pool() -> ThreadPoolExecutor:
    """The WORKERS threads one refresh's requests run on."""
    return ThreadPoolExecutor(WORKERS, thread_name_prefix="aiwatch-fetch")


class Run:
    """One refresh's fetches and their results; stops at the first network-wide failure.

    Requests run on the pool's threads; results are handled on the calling thread, in the
    order they land: stored in the cache, kept, reported.
    """

    def __init__(self, source: YahooSource, cache: Cache,
                 on_event: Callable[[FetchEvent], None]) -> None:
        self._source = source
        self._cache = cache
        self._on_event = on_event
        self.histories: dict[str, PriceHistory] = {}
        self.quotes_done: dict[str, Quote] = {}
        self.fx_done: dict[str, Quote] = {}
        self.fundamentals_done: dict[str, Fundamentals] = {}
        self.errors: dict[str, str] = {}
        self.stopped: str = ""  # the YahooError kind that ended the run early
        self._stopped_by: YahooError | None = None

    def prices(self, pool: ThreadPoolExecutor, tickers: list[str], span: str = "1y") -> None:
        """One chart per ticker, side by side; what has landed is stored together. The first
        ticker is asked alone: offline or rate-limited, one request says so (and it sets up
        the cookie and crumb the others wait for anyway)."""
        fetch = partial(self._source.fetch_prices, span=span)
        for asked in (tickers[:1], tickers[1:]):
            if self._stopped_by is not None:  # the first one's error is every chart's
                self._stop(self._stopped_by, asked)
                return
            self._land_prices(self._as_they_land(pool, lambda t: fetch([t])[t], asked,
                                                 stops=True))

    def _land_prices(self, groups: Iterable[list[tuple[str, PriceData | YahooError]]]) -> None:
        from aiwatch.sources.yahoo import YahooError

        for group in groups:
            landed: list[PriceHistory | Quote | Fundamentals] = []
            for ticker, result in group:
                if isinstance(result, YahooError):
                    self._fail(ticker, result)
                    continue
                history = longer_history(self._cache.get_history(ticker), result.history)
                self.histories[ticker] = history
                landed.append(history)
                if result.quote is not None:
                    self.quotes_done[ticker] = result.quote
                    landed.append(result.quote)
            self._land(landed, "prices")

    def quotes(self, tickers: list[str], pairs: list[str]) -> None:
        """v7 quotes, batched (one request per QUOTE_BATCH symbols): of `tickers` (their
        history is fresh), of the FX `pairs`, and of the tickers charted in this run, whose
        chart quote gains the v7's extended-hours price (for those a missing v7 quote is no
        error: the chart's stands)."""
        from aiwatch.sources.yahoo import YahooError
        from aiwatch.sources.yahoo_map import with_v7

        charted = {t: None for t in self.histories if t not in tickers}  # an ordered set
        if self.stopped or not (tickers or pairs or charted):
            return
        try:
            results = self._source.fetch_quotes([*tickers, *pairs, *charted])
        except YahooError as exc:
            self._stop(exc, [*tickers, *pairs])
            return
        landed, rates = [], []
        for symbol, result in results.items():
            if symbol in charted:
                chart = self.quotes_done.get(symbol)
                quote = None if isinstance(result, YahooError) else (
                    result if chart is None else with_v7(chart, result))
                if quote is not None and quote != chart:
                    self.quotes_done[symbol] = quote
                    landed.append(quote)
                continue
            if isinstance(result, YahooError):
                self._fail(symbol, result)
            elif symbol in pairs:
                self.fx_done[symbol] = result
                rates.append(result)
            else:
                self.quotes_done[symbol] = result
                landed.append(result)
        self._land(landed, "prices")
        self._land(rates, "fx")

    def fundamentals(self, pool: ThreadPoolExecutor, tickers: list[str]) -> None:
        from aiwatch.sources.yahoo import YahooError

        for group in self._as_they_land(pool, self._source.fetch_fundamentals, tickers):
            landed: list[PriceHistory | Quote | Fundamentals] = []
            for ticker, result in group:
                if isinstance(result, YahooError):
                    self._fail(ticker, result)
                    continue
                self.fundamentals_done[ticker] = result
                landed.append(result)
            self._land(landed, "fundamentals")

    def _as_they_land(self, pool: ThreadPoolExecutor, fetch: Callable[[str], R],
                      asked: list[str], stops: bool = False,
                      ) -> Iterator[list[tuple[str, R | YahooError]]]:
        """The tickers with their answers (or the YahooError raised), a group at a time: all
        that landed while the last group was stored, so a write serves many. With `stops`
        a raised YahooError (the call failed as a whole) stops the run instead. Tickers not
        asked because the run had stopped are left out."""
        from aiwatch.sources.yahoo import YahooError

        futures = {pool.submit(self._unless_stopped, fetch, item): item for item in asked}
        pending: set[Future[R | None]] = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            group: list[tuple[str, R | YahooError]] = []
            for future in (f for f in futures if f in done):  # in the order asked
                try:
                    result = future.result()
                except YahooError as exc:
                    if stops:
                        self._stop(exc, [futures[future]])
                    else:
                        group.append((futures[future], exc))
                    continue
                if result is not None:
                    group.append((futures[future], result))
            yield group

    def _unless_stopped(self, fetch: Callable[[A], R], arg: A) -> R | None:
        """Ask only while the run goes on: after a 429 or a dead network nothing more is."""
        return None if self.stopped else fetch(arg)

    def _land(self, parts: list[PriceHistory | Quote | Fundamentals], kind: str) -> None:
        """Store the parts in one transaction, then tell which tickers have them."""
        if not parts:
            return
        self._cache.put_many(parts)
        for ticker in dict.fromkeys(part.ticker for part in parts):
            self._on_event(FetchEvent(ticker, kind))

    def _fail(self, ticker: str, error: YahooError) -> None:
        if error.kind in STOPPING:
            self._stop(error, [ticker])
        else:
            self.errors[ticker] = str(error)
            self._on_event(FetchEvent(ticker, error=str(error)))

    def _stop(self, error: YahooError, tickers: list[str]) -> None:
        for ticker in tickers:
            self.errors[ticker] = str(error)
            self._on_event(FetchEvent(ticker, error=str(error)))
        if not self.stopped:
            self.stopped, self._stopped_by = error.kind, error

    def summary(self) -> str:
        """The status-bar message: what stopped the run, else each distinct ticker failure."""
        if self._stopped_by is not None:
            return str(self._stopped_by)
        return "; ".join(dict.fromkeys(self.errors.values()))

    def outcome(self, order: list[str], message: str,
                backoff_until: datetime | None = None) -> RefreshOutcome:
        """The results in the watchlist's order (they landed in any)."""
        def ordered(found: dict[str, V]) -> dict[str, V]:
            return {t: found[t] for t in order if t in found}

        return RefreshOutcome(ordered(self.histories), ordered(self.quotes_done),
                              ordered(self.fundamentals_done), ordered(self.errors),
                              message, backoff_until, dict(self.fx_done))
