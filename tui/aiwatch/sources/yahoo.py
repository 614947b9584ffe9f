"""Live prices and earnings from Yahoo Finance, through yfinance.

The only module that imports yfinance or pandas, and only inside functions: importing it is
free, so a process paints or starts before any of them loads. yfinance does the talking
(cookie, crumb, consent, URLs) and the parsing into frames; every request it makes on our
session passes through the wire (yahoo_wire), and the answers become model objects in
yahoo_map.
"""

from __future__ import annotations

import errno
import logging
import threading
import warnings
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiwatch.model import Fundamentals, Origin, PriceHistory, Provenance, Quote
from aiwatch.sources.yahoo_map import (
    US_MARKET,
    Report,
    chart_meta,
    chart_quote,
    daily_closes,
    earnings_quarters,
    eps_currencies,
    next_earnings,
    report_rows,
    v7_quotes,
)
from aiwatch.sources.yahoo_wire import (
    ErrorKind,
    Wire,
    default_session,
    is_calendar,
    is_chart,
    is_eps_history,
    is_income,
)
from aiwatch.text import currency_code

if TYPE_CHECKING:
    import pandas as pd
    from curl_cffi.requests import Session

QUOTE_URL = "https://query1.finance.yahoo.com/v7/finance/quote"
QUOTE_BATCH = 50  # tickers per quote request


class YahooError(Exception):
    """Why a fetch from Yahoo failed: `kind` for the code, the text for the status bar."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind


@dataclass(frozen=True, slots=True)
class PriceData:
    """One chart answer: the daily closes, and the latest quote read from the same response."""

    history: PriceHistory
    quote: Quote | None


class YahooSource:
    """Fetches from Yahoo with real timeouts and maps the answers to model objects.

    Fetches may run concurrently on several threads: the session is shared, the wire keeps
    each thread's answers apart. yfinance keeps its session and caches process-wide, so a
    process should have one source.
    """

    def __init__(self, cache_dir: Path, timeout: float = 5.0, session: Session | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._cache_dir = cache_dir
        self._timeout = timeout
        self._clock = clock
        self._wire = Wire(timeout)
        self._session = session
        if session is not None:
            self._wire.attach(session)
        self._setting_up = threading.Lock()  # the session and yfinance are set up once
        self._configured = False

    def fetch_prices(self, tickers: Iterable[str]) -> dict[str, PriceData | YahooError]:
        """A year of daily closes plus the latest quote per ticker, from one `download` call.

        A ticker Yahoo has no prices for maps to its own YahooError; raises YahooError when
        nothing came back because the network, a timeout or a rate limit stopped the call.
        """
        symbols = list(dict.fromkeys(t.upper() for t in tickers))
        if not symbols:
            return {}
        self._wire.begin()
        frame = self._download(symbols)
        origin = Origin(Provenance.LIVE, self._clock())
        results = {s: self._price_data(s, frame, origin) for s in symbols}
        failure = self._wire.failure()
        if failure and all(isinstance(r, YahooError) for r in results.values()):
            raise self._transport_error(failure)
        return results

    def fetch_quotes(self, tickers: Iterable[str]) -> dict[str, Quote | YahooError]:
        """The latest quote of every ticker, QUOTE_BATCH tickers per request (v7 quote).

        A ticker Yahoo does not answer for maps to its own YahooError; raises YahooError when
        the network, a timeout or a rate limit stopped a request.
        """
        symbols = list(dict.fromkeys(t.upper() for t in tickers))
        results: dict[str, Quote | YahooError] = {}
        for start in range(0, len(symbols), QUOTE_BATCH):
            batch = symbols[start:start + QUOTE_BATCH]
            self._wire.begin()
            answer = self._quote_answer(batch)
            failure = self._wire.failure()
            if failure:
                raise self._transport_error(failure)
            found = v7_quotes(answer, Origin(Provenance.LIVE, self._clock()))
            results.update({s: found.get(s) or YahooError("empty", f"no quote from Yahoo for {s}")
                            for s in batch})
        return results

    def fetch_fundamentals(self, ticker: str) -> Fundamentals:
        """Quarterly EPS (estimate and reported), revenue, net income, report dates, next date.

        Four requests: earningsHistory and calendarEvents (quoteSummary), the quarterly income
        statement (fundamentals-timeseries) and the earnings-calendar page (report dates).
        """
        symbol = ticker.upper()
        self._wire.begin()
        eps, income, reports = self._fundamental_frames(symbol)
        failure = self._wire.failure()
        if failure:
            raise self._transport_error(failure)
        now = self._clock()
        today = now.astimezone(US_MARKET).date()
        quarters = earnings_quarters(symbol, eps, income, [r for r in reports if r[0] <= today],
                             self._wire.answer(is_income(symbol)),
                             eps_currencies(self._wire.answer(is_eps_history(symbol))))
        upcoming = next_earnings(symbol, self._wire.answer(is_calendar(symbol)), today)
        not_found = self._wire.saw_status(404)
        if not quarters:
            if not_found:
                raise YahooError("unknown_ticker", f"unknown symbol {symbol}")
            raise YahooError("empty", f"no earnings data from Yahoo for {symbol}")
        return Fundamentals(symbol, quarters, Origin(Provenance.LIVE, now), upcoming)

    def _download(self, symbols: list[str]) -> pd.DataFrame | None:
        yf = self._yfinance()
        try:
            # One ticker after the other: yfinance's threads race to create its tz
            # database ("database is locked"), and a background refresh need not hurry.
            return yf.download(symbols, period="1y", interval="1d", auto_adjust=False,
                               actions=False, session=self._http(), progress=False,
                               threads=False, timeout=self._timeout)
        except Exception as exc:  # yfinance scrapes: an odd answer can break it anywhere
            raise self._unexpected(exc) from exc

    def _quote_answer(self, symbols: list[str]) -> dict[str, Any]:
        yf = self._yfinance()
        try:  # yfinance's data session: it brings the cookie and crumb Yahoo wants
            answer = yf.data.YfData(session=self._http()).get_raw_json(
                QUOTE_URL, params={"symbols": ",".join(symbols)}, timeout=self._timeout)
        except Exception as exc:  # as in _download
            raise self._unexpected(exc) from exc
        return answer if isinstance(answer, dict) else {}

    def _fundamental_frames(self, symbol: str) -> tuple[pd.DataFrame, pd.DataFrame, list[Report]]:
        yf = self._yfinance()
        _forget_memo(yf)
        try:
            ticker = yf.Ticker(symbol, session=self._http())
            eps = ticker.get_earnings_history()
            income = ticker.get_income_stmt(freq="quarterly")
            # Read from the wire instead: yfinance's dict drops whether the date is
            # confirmed, and turns the timestamp into a date in this machine's time zone.
            ticker.get_calendar()
            reports = report_rows(ticker.get_earnings_dates(limit=12))
        except Exception as exc:  # as in _download
            raise self._unexpected(exc) from exc
        return eps, income, reports

    def _price_data(self, symbol: str, frame: pd.DataFrame | None,
                    origin: Origin) -> PriceData | YahooError:
        dates, closes, dropped = daily_closes(frame, symbol)
        if not closes:
            if dropped:
                return YahooError("empty", f"Yahoo's {dropped} prices for {symbol} are all "
                                  "unusable (not above zero, infinite or absurd)")
            return self._chart_error(symbol)
        answer = self._wire.answer(is_chart(symbol, "1y"))
        currency = currency_code(chart_meta(answer).get("currency"))
        note = f"{dropped} unusable closes from Yahoo left out" if dropped else ""
        history = PriceHistory(symbol, dates, closes, origin, note, currency)
        return PriceData(history, chart_quote(history, answer))

    def _chart_error(self, symbol: str) -> YahooError:
        """Why the chart request for `symbol` gave no closes, from how it ended on the wire."""
        exchange = self._wire.last(is_chart(symbol))
        if exchange is None:
            return self._transport_error(self._wire.failure() or "error")
        if exchange.failure:
            return self._transport_error(exchange.failure)
        if exchange.status == 404:
            return YahooError("unknown_ticker", f"unknown symbol {symbol}")
        if exchange.status == 200:
            return YahooError("empty", f"no prices from Yahoo for {symbol}")
        return YahooError("error", f"Yahoo answered HTTP {exchange.status} for {symbol}")

    def _transport_error(self, kind: ErrorKind) -> YahooError:
        text = {"offline": "no network", "timeout": f"timed out after {self._timeout:g} s",
                "rate_limited": "Yahoo rate limit (429)"}
        return YahooError(kind, text.get(kind, "Yahoo request failed"))

    def _unexpected(self, exc: Exception) -> YahooError:
        failure = self._wire.failure()
        if failure:
            return self._transport_error(failure)
        if _disk_full(exc):  # yfinance's own SQLite caches: not Yahoo's fault
            return YahooError("error", "disk full: cache not updated")
        return YahooError("error", f"Yahoo answer not understood ({type(exc).__name__})")

    def _http(self) -> Session:
        with self._setting_up:
            if self._session is None:
                self._session = default_session(self._timeout)
                self._wire.attach(self._session)
            return self._session

    def _yfinance(self) -> Any:
        import yfinance

        _quiet_pandas()  # every fetch: a test harness may have reset the filters meanwhile
        with self._setting_up:
            self._configure(yfinance)
        return yfinance

    def _configure(self, yfinance: Any) -> None:
        if not self._configured:
            with suppress(OSError):  # unwritable: yfinance then runs without its caches
                self._cache_dir.mkdir(parents=True, exist_ok=True)
            yfinance.set_tz_cache_location(str(self._cache_dir))
            _silence(logging.getLogger("yfinance"))
            self._configured = True


def _disk_full(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it came from, is a full disk (ENOSPC, SQLITE_FULL)."""
    seen = 0
    while exc is not None and seen < 10:
        if getattr(exc, "errno", None) == errno.ENOSPC or "disk is full" in str(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _forget_memo(yf: Any) -> None:
    """Drop yfinance's process-long memo of GET answers (the earnings-calendar page among them):
    a refresh a day later must see that day's answers, not the first ones."""
    memo = getattr(getattr(yf.data, "YfData", None), "cache_get", None)
    if memo is not None and hasattr(memo, "cache_clear"):
        memo.cache_clear()


def _silence(logger: logging.Logger) -> None:
    """yfinance logs every failure (ours come back as YahooError): keep it off the terminal."""
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def _quiet_pandas() -> None:
    """yfinance trips pandas 3 deprecations on every call: none of them is for our user.

    A standing filter, set before each fetch, rather than warnings.catch_warnings(): that one
    swaps the process-wide filter list and races with any other thread doing the same.
    """
    from pandas.errors import Pandas4Warning

    warnings.filterwarnings("ignore", category=Pandas4Warning, module=r"yfinance(\.|$)")
