"""Live prices and earnings from Yahoo Finance, through yfinance's data session.

The only module that imports yfinance, and only inside functions: importing it is free, so a
process paints or starts before yfinance (and the pandas it loads) does. yfinance's data
session does the talking (cookie, crumb, consent); every request passes through the wire
(yahoo_wire), which keeps the answers, and yahoo_map turns them into model objects: no frame
is built. A cold ticker costs four requests: its 1-year chart (the quote comes with it), one
quoteSummary (two modules), one timeseries and the earnings-calendar page; and a share of one
v7 quote request (50 symbols each: names, types, pre- and post-market prices).
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from aiwatch.model import Fundamentals, Origin, PriceHistory, Provenance, Quote
from aiwatch.sources.yahoo_map import (
    US_MARKET,
    chart_closes,
    chart_meta,
    chart_quote,
    earnings_quarters,
    first_result,
    next_earnings,
    report_rows,
    v7_quotes,
)
from aiwatch.sources.yahoo_wire import (
    ErrorKind,
    Wire,
    ask,
    default_session,
    is_calendar_page,
    is_chart,
    is_income,
    is_quote,
    is_summary,
)
from aiwatch.text import currency_code

if TYPE_CHECKING:
    from curl_cffi.requests import Session

QUOTE_URL = "https://query1.finance.yahoo.com/v7/finance/quote"
QUOTE_BATCH = 50  # tickers per quote request
CHART_URL = "https://query2.finance.yahoo.com/v8/finance/chart/"
SUMMARY_URL = "https://query2.finance.yahoo.com/v10/finance/quoteSummary/"
TIMESERIES_URL = ("https://query2.finance.yahoo.com/ws/fundamentals-timeseries/v1/finance/"
                  "timeseries/")
CALENDAR_URL = "https://finance.yahoo.com/calendar/earnings"  # the page of report dates
SUMMARY_MODULES = "earningsHistory,calendarEvents"  # EPS per quarter; the next report date
INCOME_TYPES = "quarterlyTotalRevenue,quarterlyNetIncome"
INCOME_SINCE = 1483142400  # 2016-12-31, as yfinance asks: Yahoo gives at most 5 quarters


class YahooError(Exception):
    """Why a fetch from Yahoo failed: `kind` for the code, the text for the status bar."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind


class PriceData(Struct, frozen=True):
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

    def fetch_prices(self, tickers: Iterable[str],
                     span: str = "1y") -> dict[str, PriceData | YahooError]:
        """A year (or `span`: "5y") of daily closes plus the latest quote per ticker: one chart
        request each.

        A ticker Yahoo has no prices for maps to its own YahooError; raises YahooError when
        nothing came back because the network, a timeout or a rate limit stopped the call.
        """
        symbols = list(dict.fromkeys(t.upper() for t in tickers))
        if not symbols:
            return {}
        self._wire.begin()
        for symbol in symbols:
            self._ask(CHART_URL + symbol, {"range": span, "interval": "1d"}, quiet=True)
        origin = Origin(Provenance.LIVE, self._clock())
        results = {s: self._price_data(s, origin, span) for s in symbols}
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
            self._ask(QUOTE_URL, {"symbols": ",".join(batch)})
            failure = self._wire.failure()
            if failure:
                raise self._transport_error(failure)
            found = v7_quotes(self._wire.answer(is_quote), Origin(Provenance.LIVE, self._clock()))
            results.update({s: found.get(s) or YahooError("empty", f"no quote from Yahoo for {s}")
                            for s in batch})
        return results

    def fetch_fundamentals(self, ticker: str) -> Fundamentals:
        """Quarterly EPS (estimate and reported), revenue, net income, report dates, next date.

        Three requests: earningsHistory and calendarEvents in one quoteSummary, quarterly
        revenue and net income (fundamentals-timeseries), the earnings-calendar page (report
        dates).
        """
        symbol = ticker.upper()
        self._wire.begin()
        self._ask(SUMMARY_URL + symbol, {"modules": SUMMARY_MODULES, "formatted": "false",
                                         "corsDomain": "finance.yahoo.com", "symbol": symbol})
        self._ask(TIMESERIES_URL + symbol, {
            "symbol": symbol, "type": INCOME_TYPES, "period1": str(INCOME_SINCE),
            "period2": str((int(self._clock().timestamp()) // 86400 + 1) * 86400)})
        self._ask(CALENDAR_URL, {"symbol": symbol, "offset": "0", "size": "25"})
        reports = report_rows(self._wire.text(is_calendar_page(symbol)))
        failure = self._wire.failure()
        if failure:
            raise self._transport_error(failure)
        now = self._clock()
        today = now.astimezone(US_MARKET).date()
        summary = self._wire.answer(is_summary(symbol))
        quarters = earnings_quarters(symbol, summary, self._wire.answer(is_income(symbol)),
                                     [r for r in reports if r[0] <= today])
        upcoming = next_earnings(symbol, summary, today)
        not_found = self._wire.saw_status(404)
        if not quarters:
            if not_found:
                raise YahooError("unknown_ticker", f"unknown symbol {symbol}")
            if first_result(summary, "quoteSummary") is None:
                raise _not_understood()
            raise YahooError("empty", f"no earnings data from Yahoo for {symbol}")
        return Fundamentals(symbol, quarters, Origin(Provenance.LIVE, now), upcoming)

    def _ask(self, url: str, params: dict[str, str], quiet: bool = False) -> None:
        """One request; its answer lands on the wire. `quiet`: a transport failure is left for
        the caller to read from the wire (one ticker's chart among several)."""
        yf = self._yfinance()
        try:
            ask(yf, self._http(), url, params, self._timeout)
        except Exception as exc:  # yfinance's own handling can break on an odd answer
            if not quiet:
                raise self._unexpected(exc) from exc


    def _price_data(self, symbol: str, origin: Origin, span: str = "1y") -> PriceData | YahooError:
        answer = self._wire.answer(is_chart(symbol, span))
        dates, closes, dropped = chart_closes(answer)
        if not closes:
            if dropped:
                return YahooError("empty", f"Yahoo's {dropped} prices for {symbol} are all "
                                  "unusable (not above zero, infinite or absurd)")
            return self._chart_error(symbol)
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
        if exchange.status == 200 and first_result(self._wire.answer(is_chart(symbol)), "chart"):
            return YahooError("empty", f"no prices from Yahoo for {symbol}")
        if exchange.status == 200:
            return _not_understood()
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


def _not_understood() -> YahooError:
    """An HTTP 200 answer without Yahoo's shape: a portal's page, garbage, a cut-off body."""
    return YahooError("error", "Yahoo answer not understood (not a Yahoo answer)")


def _disk_full(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it came from, is a full disk (ENOSPC, SQLITE_FULL)."""
    seen = 0
    while exc is not None and seen < 10:
        if getattr(exc, "errno", None) == errno.ENOSPC or "disk is full" in str(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _silence(logger: logging.Logger) -> None:
    """yfinance logs every failure (ours come back as YahooError): keep it off the terminal."""
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False
