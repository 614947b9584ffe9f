"""Decides what to fetch, fetches it, keeps it: the refresh behind the cards, free of any UI.

`refresh()` runs in the fetch process (`aiwatch fetch`, started by the app or cron), its run
(the pool, the requests, the outcome) in refresh_run.py, loaded there only; the app only reads
the cache (`cached()`) and the `FetchEvent`s. Only what is older than its time-to-live is
fetched: stale histories as charts (prices of every ticker before any fundamentals), then
batched v7 quotes (one request per 50 symbols) for stale quotes on a fresh history, for the FX
pairs positions need, and for the tickers just charted (v7 alone has pre- and post-market
prices), then fundamentals, except for instruments without earnings (ETFs, indices, currencies…:
the chart says which); a bounded pool of refresh_run.WORKERS runs the requests, and what has
landed is written to the cache together (one transaction for all that landed while the last
write ran) and reported as a `FetchEvent` per ticker. A failure leaves the cache's last good
data alone and comes back as messages.
A run stopped by a rate limit (HTTP 429), no network or a timeout starts a back-off that doubles
(60 s to 15 min) while the failures go on and ends at the first run that is not stopped; during
it refresh() makes no request at all, except that a forced refresh (`r`) still tries once after
a network failure (never against a 429). The back-off lives in the cache file, so the next fetch
process honours it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

import msgspec
from msgspec import Struct
from msgspec.structs import replace

from aiwatch.model import EQUITY, Fundamentals, PriceHistory, Quote
from aiwatch.store.cache import Cache, Kind

if TYPE_CHECKING:  # the UI reads the cache through a Refresher and never fetches: the run
    # (refresh_run.py, its thread pool, the Yahoo modules) loads in the fetch process only
    from aiwatch.refresh_run import RefreshOutcome, Run
    from aiwatch.sources.yahoo import YahooSource

FIRST_BACKOFF = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=15)
BACKOFF_KEY = "backoff"  # the cache's meta entry holding the back-off
P = TypeVar("P", PriceHistory, Quote, Fundamentals)


class Ttl(Struct, frozen=True):
    """How long fetched data counts as fresh."""

    quote: timedelta = timedelta(minutes=5)
    history: timedelta = timedelta(hours=6)
    fundamentals: timedelta = timedelta(hours=24)


DEFAULT_TTL = Ttl()


class CachedData(Struct, frozen=True):
    """What the cache holds for one ticker (each part None when it holds none)."""

    history: PriceHistory | None = None
    quote: Quote | None = None
    fundamentals: Fundamentals | None = None


def _json(data: dict[str, object]) -> str:
    """One line of JSON (msgspec's: the json module is not loaded before the first frame)."""
    return msgspec.json.encode(data).decode()


class FetchEvent(Struct, frozen=True):
    """What a fetch reports as it goes: a ticker's part landed in the cache (`part` "prices"
    or "fundamentals"; "fx" for an FX pair's quote, cached as a quote under the pair's
    symbol), a ticker failed (`error`), or the run is `done` (`message`, `backoff_until`).
    One JSON line each on the fetch process's stdout. A charted ticker may report "prices"
    twice: its chart, then the v7 quote's extended-hours price."""

    ticker: str = ""
    part: str = ""
    error: str = ""
    done: bool = False
    message: str = ""
    backoff_until: datetime | None = None

    def to_json(self) -> str:
        if self.done:
            until = self.backoff_until.isoformat() if self.backoff_until else None
            return _json({"done": True, "message": self.message, "backoff_until": until})
        if self.error:
            return _json({"ticker": self.ticker, "error": self.error})
        return _json({"ticker": self.ticker, "part": self.part})

    @classmethod
    def from_json(cls, line: str) -> FetchEvent | None:
        """The event on one line, None for a line that is not one (a stray print)."""
        try:
            data = msgspec.json.decode(line)
            if not isinstance(data, dict):
                return None
            until = data.get("backoff_until")
            return cls(str(data.get("ticker") or ""), str(data.get("part") or ""),
                       str(data.get("error") or ""), data.get("done") is True,
                       str(data.get("message") or ""),
                       datetime.fromisoformat(until) if isinstance(until, str) else None)
        except ValueError:
            return None


def longer_history(kept: PriceHistory | None, fetched: PriceHistory) -> PriceHistory:
    """The fetched closes, after the kept ones from before them: five years fetched once (for
    the detail's 5Y) stay when the next refresh brings one year. Never across currencies."""
    if kept is None or not kept.dates or not fetched.dates or kept.dates[0] >= fetched.dates[0]:
        return fetched
    if kept.currency and fetched.currency and kept.currency != fetched.currency:
        return fetched
    start = fetched.dates[0]
    older = [(d, c) for d, c in zip(kept.dates, kept.closes, strict=True) if d < start]
    return replace(fetched, dates=(*(d for d, _ in older), *fetched.dates),
                   closes=(*(c for _, c in older), *fetched.closes))


class Refresher:
    """Refreshes stale data from a YahooSource into a Cache; source None means offline."""

    def __init__(self, cache: Cache, source: YahooSource | None,
                 clock: Callable[[], datetime], ttl: Ttl = DEFAULT_TTL) -> None:
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
        tickers = list(tickers)
        parts = self._cache.get_all(tickers)  # one query, not three per ticker

        def part(kind: Kind, ticker: str, cls: type[P]) -> P | None:
            found = parts.get((kind, ticker.upper()))
            return found if isinstance(found, cls) else None

        return {t: CachedData(part("history", t, PriceHistory), part("quote", t, Quote),
                              part("fundamentals", t, Fundamentals)) for t in tickers}

    def refresh(self, tickers: Iterable[str], force: bool = False, quotes_only: bool = False,
                on_event: Callable[[FetchEvent], None] = lambda event: None,
                fx: Iterable[str] = (), history: str = "1y") -> RefreshOutcome:
        """Fetch what is stale (everything when `force`; only quotes when `quotes_only`),
        store it, report each part as it lands, and return it all. Blocking. `fx`: currency
        pairs (HKDUSD=X) whose quotes alone are wanted, for positions. `history` "5y": the
        tickers' five-year charts alone (the detail screen's 5Y), however fresh."""
        from aiwatch.refresh_run import RefreshOutcome, Run, request_pool

        symbols = list(dict.fromkeys(t.upper() for t in tickers))
        if self._source is None:
            return RefreshOutcome(message="offline")
        with self._lock:
            self._load_backoff()
            if self._backing_off(force):
                return RefreshOutcome(message=self._backoff_message(),
                                      backoff_until=self._backoff_until)
            run = Run(self._source, self._cache, on_event)
            if history != "1y":
                with request_pool() as pool:
                    run.prices(pool, symbols, history)
                return run.outcome(symbols, run.summary())
            charts = [] if quotes_only else [t for t in symbols
                                             if force or self._stale("history", t)]
            quotes = [t for t in symbols if t not in charts and (force or self._stale("quote", t))]
            pairs = [p for p in dict.fromkeys(p.upper() for p in fx)
                     if p not in symbols and (force or self._stale("quote", p))]
            with request_pool() as pool:
                run.prices(pool, charts)
                run.quotes(quotes, pairs)
                if not quotes_only:
                    run.fundamentals(pool, [t for t in symbols if self._has_earnings(t, run) and (
                        force or self._stale("fundamentals", t))])
            if run.stopped:
                self._start_backoff(run.stopped, run.summary())
                message = self._backoff_message() if run.stopped == "rate_limited" else (
                    run.summary())
                return run.outcome([*symbols, *pairs], message, self._backoff_until)
            if self._backoff_until is not None or self._backoff != FIRST_BACKOFF:
                self._backoff_until, self._backoff = None, FIRST_BACKOFF
                self._save_backoff()
            return run.outcome([*symbols, *pairs], run.summary())

    def _backing_off(self, force: bool) -> bool:
        """Whether this refresh must not ask: a back-off runs, and `r` may not override it
        (it may after a network failure, which costs one request; never against a 429)."""
        if self._backoff_until is None or self._clock() >= self._backoff_until:
            return False
        return not force or self._backoff_kind == "rate_limited"

    def _has_earnings(self, ticker: str, run: Run) -> bool:
        """Whether to ask for fundamentals: not when the quote (this run's, else the cached
        one) says the symbol is no company's shares (an ETF, index, currency, crypto, future):
        they have none, and asking would cost three requests and report "no data"."""
        quote = run.quotes_done.get(ticker) or self._cache.get_quote(ticker)
        return quote is None or quote.instrument in ("", EQUITY)

    def _stale(self, kind: Kind, ticker: str) -> bool:
        fetched = self._cache.fetched_at(kind, ticker)
        ttl: timedelta = getattr(self._ttl, kind)
        return fetched is None or self._clock() - fetched >= ttl

    def _start_backoff(self, kind: str, reason: str) -> None:
        self._backoff_until = self._clock() + self._backoff
        self._backoff = min(self._backoff * 2, MAX_BACKOFF)
        self._backoff_kind, self._backoff_reason = kind, reason
        self._save_backoff()

    def _load_backoff(self) -> None:
        """The back-off another fetch process (or this one) left in the cache file."""
        text = self._cache.get_meta(BACKOFF_KEY)
        if text is None:
            return
        try:
            data = msgspec.json.decode(text)
            until = datetime.fromisoformat(data["until"]) if data.get("until") else None
            self._backoff = min(max(timedelta(seconds=float(data["next"])), FIRST_BACKOFF),
                                MAX_BACKOFF)
            self._backoff_until = until
            self._backoff_kind, self._backoff_reason = str(data["kind"]), str(data["reason"])
        except (ValueError, TypeError, KeyError, AttributeError):
            return  # unreadable: as if there were none

    def _save_backoff(self) -> None:
        if self._backoff_until is None:
            self._cache.set_meta(BACKOFF_KEY, None)
            return
        self._cache.set_meta(BACKOFF_KEY, _json({
            "until": self._backoff_until.isoformat(), "next": self._backoff.total_seconds(),
            "kind": self._backoff_kind, "reason": self._backoff_reason}))

    def _backoff_message(self) -> str:
        until = self._backoff_until or self._clock()
        seconds = max(0, round((until - self._clock()).total_seconds()))
        if self._backoff_kind == "rate_limited":
            return f"Yahoo rate limit (429) — backing off {seconds} s"
        return f"{self._backoff_reason} — next try in {seconds} s"
