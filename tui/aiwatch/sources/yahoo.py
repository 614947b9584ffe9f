"""Live prices and earnings from Yahoo Finance, through yfinance.

The only module that imports yfinance, pandas or curl_cffi, and only inside functions: importing
it is free, so the app paints before any of them loads.

yfinance does the talking (cookie, crumb, consent, URLs) and the parsing into frames, but it
swallows transport failures (a timeout comes back as "no price data") and drops response fields
we need (the chart's market time and currency, the financials' currency, whether an earnings date
is confirmed). So every request it makes on our session passes through `_Wire`, which enforces our
timeouts, stops a fetch from hanging or hammering, and keeps the answers for us to read.
"""

from __future__ import annotations

import errno
import functools
import json
import logging
import math
import os
import threading
import warnings
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiwatch.model import (
    EarningsQuarter,
    Fundamentals,
    NextEarnings,
    Origin,
    PriceHistory,
    Provenance,
    Quote,
    plausible_price,
)
from aiwatch.text import clean, currency_code

if TYPE_CHECKING:
    import pandas as pd
    from curl_cffi.requests import Response, Session

ErrorKind = Literal["offline", "timeout", "rate_limited", "empty", "unknown_ticker", "error"]

REPLAY_ENV = "AIWATCH_YAHOO_REPLAY"  # benchmarks: a local replay of Yahoo instead of Yahoo
CONNECT_TIMEOUT = 3.0  # seconds, and at most half of the total
REPORT_WINDOW = timedelta(days=100)
# The close a day change is measured from: the last bar before the quote's day, if it is this
# recent (a long holiday such as the Lunar New Year week); an older one is no "day" change.
PREVIOUS_SESSION_WITHIN = timedelta(days=10)  # a quarter is reported within this long after it ends
US_MARKET = ZoneInfo("America/New_York")  # Yahoo's earnings times are US market times
# Cookie and crumb requests: yfinance carries on without them, so their failure is not ours.
AUXILIARY = ("fc.yahoo.com", "guce.yahoo.com", "consent.yahoo.com", "/v1/test/getcrumb")


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

    One fetch at a time per source (fetches share the wire's bookkeeping). yfinance keeps its
    session and caches process-wide, so a process should have one source.
    """

    def __init__(self, cache_dir: Path, timeout: float = 5.0, session: Session | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._cache_dir = cache_dir
        self._timeout = timeout
        self._clock = clock
        self._wire = _Wire(timeout)
        self._session = session
        if session is not None:
            self._wire.attach(session)
        self._fetching = threading.Lock()
        self._configured = False

    def fetch_prices(self, tickers: Iterable[str]) -> dict[str, PriceData | YahooError]:
        """A year of daily closes plus the latest quote per ticker, from one `download` call.

        A ticker Yahoo has no prices for maps to its own YahooError; raises YahooError when
        nothing came back because the network, a timeout or a rate limit stopped the call.
        """
        symbols = list(dict.fromkeys(t.upper() for t in tickers))
        if not symbols:
            return {}
        with self._fetching:
            self._wire.begin()
            frame = self._download(symbols)
            origin = Origin(Provenance.LIVE, self._clock())
            results = {s: self._price_data(s, frame, origin) for s in symbols}
            failure = self._wire.failure()
        if failure and all(isinstance(r, YahooError) for r in results.values()):
            raise self._transport_error(failure)
        return results

    def fetch_fundamentals(self, ticker: str) -> Fundamentals:
        """Quarterly EPS (estimate and reported), revenue, net income, report dates, next date.

        Four requests: earningsHistory and calendarEvents (quoteSummary), the quarterly income
        statement (fundamentals-timeseries) and the earnings-calendar page (report dates).
        """
        symbol = ticker.upper()
        with self._fetching:
            self._wire.begin()
            eps, income, reports = self._fundamental_frames(symbol)
            failure = self._wire.failure()
            if failure:
                raise self._transport_error(failure)
            now = self._clock()
            today = now.astimezone(US_MARKET).date()
            quarters = _quarters(symbol, eps, income, [r for r in reports if r[0] <= today],
                                 self._wire.answer(_is_income(symbol)),
                                 _eps_currencies(self._wire.answer(_is_eps_history(symbol))))
            upcoming = _next_earnings(symbol, self._wire.answer(_is_calendar(symbol)), today)
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

    def _fundamental_frames(self, symbol: str) -> tuple[pd.DataFrame, pd.DataFrame, list[_Report]]:
        yf = self._yfinance()
        _forget_memo(yf)
        try:
            ticker = yf.Ticker(symbol, session=self._http())
            eps = ticker.get_earnings_history()
            income = ticker.get_income_stmt(freq="quarterly")
            # Read from the wire instead: yfinance's dict drops whether the date is
            # confirmed, and turns the timestamp into a date in this machine's time zone.
            ticker.get_calendar()
            reports = _reports(ticker.get_earnings_dates(limit=12))
        except Exception as exc:  # as in _download
            raise self._unexpected(exc) from exc
        return eps, income, reports

    def _price_data(self, symbol: str, frame: pd.DataFrame | None,
                    origin: Origin) -> PriceData | YahooError:
        dates, closes, dropped = _closes(frame, symbol)
        if not closes:
            if dropped:
                return YahooError("empty", f"Yahoo's {dropped} prices for {symbol} are all "
                                  "unusable (not above zero, infinite or absurd)")
            return self._chart_error(symbol)
        answer = self._wire.answer(_is_chart(symbol, "1y"))
        currency = currency_code(_chart_meta(answer).get("currency"))
        note = f"{dropped} unusable closes from Yahoo left out" if dropped else ""
        history = PriceHistory(symbol, dates, closes, origin, note, currency)
        return PriceData(history, _quote(history, answer))

    def _chart_error(self, symbol: str) -> YahooError:
        """Why the chart request for `symbol` gave no closes, from how it ended on the wire."""
        exchange = self._wire.last(_is_chart(symbol))
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
        if self._session is None:
            self._session = _default_session(self._timeout)
            self._wire.attach(self._session)
        return self._session

    def _yfinance(self) -> Any:
        import yfinance

        _quiet_pandas()  # every fetch: a test harness may have reset the filters meanwhile
        if not self._configured:
            with suppress(OSError):  # unwritable: yfinance then runs without its caches
                self._cache_dir.mkdir(parents=True, exist_ok=True)
            yfinance.set_tz_cache_location(str(self._cache_dir))
            _silence(logging.getLogger("yfinance"))
            self._configured = True
        return yfinance


def _disk_full(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it came from, is a full disk (ENOSPC, SQLITE_FULL)."""
    seen = 0
    while exc is not None and seen < 10:
        if getattr(exc, "errno", None) == errno.ENOSPC or "disk is full" in str(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


# --- the wire -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Exchange:
    """One request yfinance made, and how it ended."""

    url: str
    params: dict[str, str] = field(default_factory=dict)
    status: int | None = None  # None: no HTTP answer
    failure: ErrorKind | None = None  # a transport failure, HTTP 429 or 5xx
    body: bytes = b""

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.url).path)

    @property
    def auxiliary(self) -> bool:
        return any(part in self.url for part in AUXILIARY)

    @property
    def breaker(self) -> str:
        """What a failure stops asking: the host, or just the cookie/crumb endpoint.

        yfinance fetches data without a crumb when getcrumb is refused, so that must not stop
        the data requests to the same host.
        """
        return next((part for part in AUXILIARY if part in self.url),
                    urlsplit(self.url).hostname or "")


class _Refused(OSError):
    """Raised instead of asking a host that already failed in this fetch.

    An OSError, so yfinance takes it as a transient network error and gives up quietly.
    """

    def __init__(self, kind: ErrorKind) -> None:
        super().__init__(f"not asked: {kind} earlier in this fetch")


class _Wire:
    """Every get/post yfinance makes on our session passes here.

    Each request gets our timeout whatever yfinance asks for (it asks for 10–30 s); a host that
    failed is not asked again in the same fetch, so a silent network costs one timeout per host
    (cookie, consent, data), not one per request, and a rate-limited client stops knocking; and
    every answer is kept until the next fetch begins.
    """

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._exchanges: list[_Exchange] = []
        self._broken: dict[str, ErrorKind] = {}  # breaker -> the failure that tripped it

    def attach(self, session: Session) -> None:
        """Route the session's get and post, all that yfinance calls, through `_send`."""
        for name in ("get", "post"):
            setattr(session, name, functools.partial(self._send, getattr(session, name)))

    def begin(self) -> None:
        self._exchanges = []
        self._broken = {}

    def _send(self, send: Callable[..., Response], url: str, **kwargs: Any) -> Response:
        asked = _Exchange(url, {str(k): str(v) for k, v in (kwargs.get("params") or {}).items()})
        refused = self._broken.get(asked.breaker)
        if refused:
            self._record(replace(asked, failure=refused))
            raise _Refused(refused)
        kwargs["timeout"] = _curl_timeout(self._timeout)
        try:
            response = send(url, **kwargs)
        except Exception as exc:
            self._record(replace(asked, failure=_failure_kind(exc)))
            raise
        status = response.status_code
        self._record(replace(asked, status=status, failure=_status_failure(status),
                             body=response.content))
        return response

    def _record(self, exchange: _Exchange) -> None:
        self._exchanges.append(exchange)
        if exchange.failure:
            self._broken.setdefault(exchange.breaker, exchange.failure)

    def failure(self) -> ErrorKind | None:
        """The first failure of a request for data in this fetch, if any."""
        return next((e.failure for e in self._exchanges if e.failure and not e.auxiliary), None)

    def last(self, wanted: Callable[[_Exchange], bool]) -> _Exchange | None:
        return next((e for e in reversed(self._exchanges) if wanted(e)), None)

    def answer(self, wanted: Callable[[_Exchange], bool]) -> dict[str, Any]:
        """The JSON of the last successful answer `wanted` picks; {} when there is none."""
        exchange = self.last(lambda e: e.status == 200 and wanted(e))
        try:
            data = json.loads(exchange.body) if exchange else {}
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def saw_status(self, status: int) -> bool:
        return any(e.status == status for e in self._exchanges if not e.auxiliary)


def _is_chart(symbol: str, range_: str | None = None) -> Callable[[_Exchange], bool]:
    return lambda e: (e.path == f"/v8/finance/chart/{symbol}"
                      and (range_ is None or e.params.get("range") == range_))


def _is_income(symbol: str) -> Callable[[_Exchange], bool]:
    return lambda e: e.path.endswith(f"/finance/timeseries/{symbol}")


def _is_calendar(symbol: str) -> Callable[[_Exchange], bool]:
    return _is_summary(symbol, "calendarEvents")


def _is_eps_history(symbol: str) -> Callable[[_Exchange], bool]:
    return _is_summary(symbol, "earningsHistory")


def _is_summary(symbol: str, module: str) -> Callable[[_Exchange], bool]:
    return lambda e: (e.path.endswith(f"/quoteSummary/{symbol}")
                      and e.params.get("modules") == module)


def _forget_memo(yf: Any) -> None:
    """Drop yfinance's process-long memo of GET answers (the earnings-calendar page among them):
    a refresh a day later must see that day's answers, not the first ones."""
    memo = getattr(getattr(yf.data, "YfData", None), "cache_get", None)
    if memo is not None and hasattr(memo, "cache_clear"):
        memo.cache_clear()


def _default_session(timeout: float) -> Session:
    from curl_cffi import requests

    session = requests.Session(impersonate="chrome", timeout=_curl_timeout(timeout))
    replay_to(session, os.environ.get(REPLAY_ENV, ""))
    return session


def replay_to(session: Session, base: str) -> None:
    """With a base URL (AIWATCH_YAHOO_REPLAY=http://127.0.0.1:PORT, benchmarks/yahoo_replay.py)
    every request goes there instead of Yahoo, its host moved into the path; yfinance, our
    wire and the cookie jar see the real URLs."""
    if not base:
        return
    send = session.request

    def request(method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        parts = urlsplit(url)
        query = f"?{parts.query}" if parts.query else ""
        return send(method, f"{base.rstrip('/')}/{parts.netloc}{parts.path}{query}",
                    *args, **kwargs)

    session.request = request  # type: ignore[method-assign]


def _curl_timeout(total: float) -> tuple[float, float]:
    """curl_cffi's (connect, read) pair; curl enforces their sum as the whole request's limit."""
    connect = min(CONNECT_TIMEOUT, total / 2)
    return connect, total - connect


def _status_failure(status: int) -> ErrorKind | None:
    if status == 429:
        return "rate_limited"
    return "error" if status >= 500 else None


def _failure_kind(exc: Exception) -> ErrorKind:
    from curl_cffi.requests import exceptions as curl

    if isinstance(exc, curl.Timeout):
        return "timeout"
    if isinstance(exc, curl.SSLError):
        return "error"
    if isinstance(exc, curl.ConnectionError | curl.ProxyError):
        return "offline"
    return "error"


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


# --- from frames and answers to model objects ------------------------------------------------


def _number(value: Any) -> float | None:
    """A float, or None for Yahoo's gaps (missing, NaN)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _closes(frame: pd.DataFrame | None, symbol: str
            ) -> tuple[tuple[date, ...], tuple[float, ...], int]:
    """The raw daily closes of one ticker in download's (Price, Ticker) frame, oldest first,
    and how many were left out as no real price (0, negative, inf, ±1e308: they would break
    the card's scales, and the cache would replay them on every launch); gaps are no closes."""
    if frame is None:
        return (), (), 0
    try:
        series = frame["Close"][symbol].dropna()
    except (KeyError, TypeError):
        return (), (), 0
    days = [(t.date(), float(v)) for t, v in series.items()]
    kept = [(d, c) for d, c in days if plausible_price(c)]
    return tuple(d for d, _ in kept), tuple(c for _, c in kept), len(days) - len(kept)


def _quote(history: PriceHistory, meta_answer: dict[str, Any]) -> Quote | None:
    """The chart's latest price, compared with the last close of an earlier market day."""
    meta = _chart_meta(meta_answer)
    price, stamp = _number(meta.get("regularMarketPrice")), meta.get("regularMarketTime")
    currency = currency_code(meta.get("currency"))
    if not plausible_price(price) or not isinstance(stamp, int) or not currency:
        return None
    as_of = datetime.fromtimestamp(stamp, UTC)
    market_day = as_of.astimezone(_zone(meta.get("exchangeTimezoneName"))).date()
    earlier = [(d, c) for d, c in zip(history.dates, history.closes, strict=True)
               if market_day - PREVIOUS_SESSION_WITHIN <= d < market_day]
    return Quote(history.ticker, price, earlier[-1][1] if earlier else None, currency, as_of,
                 history.origin, exchange_tz=clean(meta.get("exchangeTimezoneName")))


def _chart_meta(answer: dict[str, Any]) -> dict[str, Any]:
    results = (answer.get("chart") or {}).get("result") or [{}]
    meta = results[0].get("meta") if isinstance(results[0], dict) else None
    return meta if isinstance(meta, dict) else {}


def _zone(name: object) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return US_MARKET


_Report = tuple[date, float | None, float | None]  # report date, EPS estimate, EPS reported


def _reports(frame: pd.DataFrame | None) -> list[_Report]:
    """The earnings-calendar rows, oldest first (yfinance gives None when the page had none)."""
    if frame is None:
        return []
    rows = [(stamp.date(), _number(row.get("EPS Estimate")), _number(row.get("Reported EPS")))
            for stamp, row in frame.iterrows() if isinstance(stamp, datetime)]
    return sorted(rows)


def _quarters(symbol: str, eps: pd.DataFrame, income: pd.DataFrame, reports: list[_Report],
              income_answer: dict[str, Any],
              eps_currencies: dict[date, str]) -> tuple[EarningsQuarter, ...]:
    """One EarningsQuarter per quarter end Yahoo named (EPS or income statement), newest first.

    A report-calendar row lends its date, and fills EPS the earnings history lacks, to the
    quarter that ended within REPORT_WINDOW before it. EPS is in the currency the earnings
    history states (Alibaba's is RMB per ADS), which may differ from the amounts' currency.
    """
    by_eps = {q.date(): (_number(row.get("epsEstimate")), _number(row.get("epsActual")))
              for q, row in eps.iterrows() if isinstance(q, datetime)}
    by_income = _income(income)
    # the calendar page's EPS has no currency of its own: Yahoo quotes a ticker's EPS in one
    usual_eps_currency = next(iter(eps_currencies.values()), "")
    currency = _financial_currency(income_answer) or usual_eps_currency
    usual_eps_currency = usual_eps_currency or currency
    quarters = []
    for quarter_end in sorted(by_eps.keys() | by_income.keys(), reverse=True):
        report = next((r for r in reports
                       if quarter_end < r[0] <= quarter_end + REPORT_WINDOW), None)
        estimate, reported = by_eps.get(quarter_end, (None, None))
        if report:
            estimate = report[1] if estimate is None else estimate
            reported = report[2] if reported is None else reported
        revenue, net_income = by_income.get(quarter_end, (None, None))
        quarters.append(EarningsQuarter(
            ticker=symbol,
            quarter_end=quarter_end,
            report_date=report[0] if report else None,
            eps_estimate=estimate,
            eps_reported=reported,
            revenue=revenue,
            net_income=net_income,
            currency=currency,
            source_url=f"https://finance.yahoo.com/quote/{symbol}/financials/",
            eps_currency=eps_currencies.get(quarter_end, usual_eps_currency),
            eps_basis="as Yahoo reports it",
        ))
    return tuple(quarters)


def _income(frame: pd.DataFrame) -> dict[date, tuple[float | None, float | None]]:
    """(revenue, net income) per quarter end from yfinance's income-statement frame."""
    def row(name: str) -> dict[date, float | None]:
        if name not in frame.index:
            return {}
        return {column.date(): _number(value) for column, value in frame.loc[name].items()
                if isinstance(column, datetime)}

    revenue, net_income = row("TotalRevenue"), row("NetIncome")
    return {day: (revenue.get(day), net_income.get(day)) for day in revenue.keys() | net_income}


def _financial_currency(answer: dict[str, Any]) -> str | None:
    """The currency Yahoo states for the revenue figures (yfinance's frame drops it)."""
    for entry in (answer.get("timeseries") or {}).get("result") or []:
        for point in entry.get("quarterlyTotalRevenue") or []:
            if point and currency_code(point.get("currencyCode")):
                return str(point["currencyCode"])
    return None


def _eps_currencies(answer: dict[str, Any]) -> dict[date, str]:
    """The currency of each quarter's EPS in the earnings history (yfinance's frame drops it)."""
    results = (answer.get("quoteSummary") or {}).get("result") or [{}]
    history = (results[0].get("earningsHistory") or {}).get("history") or []
    currencies = {}
    for item in history:
        stamp = (item.get("quarter") or {}).get("raw") if isinstance(item, dict) else None
        if isinstance(stamp, int) and currency_code(item.get("currency")):
            currencies[datetime.fromtimestamp(stamp, UTC).date()] = item["currency"]
    return currencies


def _next_earnings(symbol: str, answer: dict[str, Any], today: date) -> NextEarnings | None:
    """The next earnings date from today on; confirmed only when Yahoo says it is no estimate.

    While it is an estimate Yahoo often gives two dates: the window they span.
    """
    results = (answer.get("quoteSummary") or {}).get("result") or [{}]
    earnings = (results[0].get("calendarEvents") or {}).get("earnings") or {}
    days = sorted(datetime.fromtimestamp(s, UTC).astimezone(US_MARKET).date()
                  for s in earnings.get("earningsDate") or [] if isinstance(s, int))
    upcoming = [d for d in days if d >= today]
    if not upcoming:
        return None
    confirmed = earnings.get("isEarningsDateEstimate") is False
    latest = upcoming[-1] if not confirmed and upcoming[-1] != upcoming[0] else None
    return NextEarnings(symbol, upcoming[0], confirmed, f"https://finance.yahoo.com/quote/{symbol}/",
                        latest)
