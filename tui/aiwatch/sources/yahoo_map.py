"""From Yahoo's answers, as the wire kept them (JSON, the earnings-calendar page), to model
objects.

Pure functions: no I/O, neither yfinance nor pandas, so every rule here is testable with
hand-built answers or real captures.
"""

from __future__ import annotations

import math
import re
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msgspec.structs import replace

from aiwatch.model import (
    EarningsQuarter,
    NextEarnings,
    Origin,
    PriceHistory,
    Quote,
    plausible_price,
)
from aiwatch.text import clean, currency_code

REPORT_WINDOW = timedelta(days=100)  # a quarter is reported within this long after it ends
# The close a day change is measured from: the last bar before the quote's day, if it is this
# recent (a long holiday such as the Lunar New Year week); an older one is no "day" change.
PREVIOUS_SESSION_WITHIN = timedelta(days=10)
US_MARKET = ZoneInfo("America/New_York")  # Yahoo's earnings times are US market times
NAME_LIMIT = 80  # a name is a label on a card: longer ones are cut
_INSTRUMENT = re.compile("[A-Z_]{1,20}")  # EQUITY, ETF, INDEX, CURRENCY, CRYPTOCURRENCY, ...
# v7's extended-hours fields: (session, price, market time)
EXTENDED = (("pre", "preMarketPrice", "preMarketTime"),
            ("post", "postMarketPrice", "postMarketTime"))


def number(value: Any) -> float | None:
    """A float, or None for Yahoo's gaps (missing, NaN)."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def chart_closes(answer: dict[str, Any]) -> tuple[tuple[date, ...], tuple[float, ...], int]:
    """The raw daily closes in a v8 chart answer, oldest first, each on its market day (in
    the exchange's time zone), and how many were left out as no real price (0, negative, inf,
    ±1e308: they would break the card's scales, and the cache would replay them on every
    launch); gaps (null) are no closes. A second bar for one day (Yahoo's live bar) replaces
    the first, as in yfinance."""
    result = first_result(answer, "chart") or {}
    stamps = result.get("timestamp") or []
    quotes = (result.get("indicators") or {}).get("quote") or [{}]
    closes = (quotes[0] if isinstance(quotes[0], dict) else {}).get("close") or []
    zone = _zone(chart_meta(answer).get("exchangeTimezoneName"))
    days: dict[date, float] = {}
    for stamp, close in zip(stamps, closes, strict=False):
        if isinstance(stamp, int) and isinstance(close, int | float) and not math.isnan(close):
            days[datetime.fromtimestamp(stamp, zone).date()] = float(close)
    kept = [(d, c) for d, c in sorted(days.items()) if plausible_price(c)]
    return tuple(d for d, _ in kept), tuple(c for _, c in kept), len(days) - len(kept)


def chart_quote(history: PriceHistory, meta_answer: dict[str, Any]) -> Quote | None:
    """The chart's latest price, compared with the last close of an earlier market day."""
    meta = chart_meta(meta_answer)
    price, stamp = number(meta.get("regularMarketPrice")), meta.get("regularMarketTime")
    currency = currency_code(meta.get("currency"))
    if not plausible_price(price) or not isinstance(stamp, int) or not currency:
        return None
    as_of = datetime.fromtimestamp(stamp, UTC)
    market_day = as_of.astimezone(_zone(meta.get("exchangeTimezoneName"))).date()
    earlier = [(d, c) for d, c in zip(history.dates, history.closes, strict=True)
               if market_day - PREVIOUS_SESSION_WITHIN <= d < market_day]
    return Quote(history.ticker, price, earlier[-1][1] if earlier else None, currency, as_of,
                 history.origin, exchange_tz=clean(meta.get("exchangeTimezoneName")),
                 name=display_name(meta), instrument=instrument_type(meta.get("instrumentType")))


def v7_quotes(answer: dict[str, Any], origin: Origin) -> dict[str, Quote]:
    """The quotes in a v7 quote answer, by symbol; entries without a real price, a market
    time or a currency are left out."""
    quotes = {}
    for item in (answer.get("quoteResponse") or {}).get("result") or []:
        if not isinstance(item, dict) or not isinstance(item.get("symbol"), str):
            continue
        price, stamp = number(item.get("regularMarketPrice")), item.get("regularMarketTime")
        currency = currency_code(item.get("currency"))
        if not plausible_price(price) or not isinstance(stamp, int) or not currency:
            continue
        previous = number(item.get("regularMarketPreviousClose"))
        symbol = item["symbol"].upper()
        as_of = datetime.fromtimestamp(stamp, UTC)
        extended = extended_hours(item, as_of)
        quotes[symbol] = Quote(
            symbol, price, previous if plausible_price(previous) else None, currency, as_of,
            origin, exchange_tz=clean(item.get("exchangeTimezoneName")), name=display_name(item),
            instrument=instrument_type(item.get("quoteType")),
            extended_price=extended[0] if extended else None,
            extended_time=extended[1] if extended else None,
            extended_session=extended[2] if extended else "")
    return quotes


def extended_hours(item: dict[str, Any], regular: datetime) -> tuple[float, datetime, str] | None:
    """The latest pre- or post-market price of a v7 quote that is later than its regular
    price `regular`, with its time and session; an earlier one (yesterday's post-market during
    today's session) is stale and none."""
    found: tuple[float, datetime, str] | None = None
    for session, price_key, time_key in EXTENDED:
        price, stamp = number(item.get(price_key)), item.get(time_key)
        if price is None or not plausible_price(price) or not isinstance(stamp, int):
            continue
        when = datetime.fromtimestamp(stamp, UTC)
        if when > regular and (found is None or when > found[1]):
            found = (price, when, session)
    return found


def with_v7(chart: Quote, v7: Quote) -> Quote:
    """The chart's quote with what the v7 quote adds: its extended-hours price when that is
    later than the chart's price, its name and type where the chart gave none. The chart's
    price and previous close stay (the close before the quote's own market day)."""
    changes: dict[str, Any] = {}
    if v7.extended_time is not None and v7.extended_time > chart.as_of:
        changes.update(extended_price=v7.extended_price, extended_time=v7.extended_time,
                       extended_session=v7.extended_session)
    if not chart.name and v7.name:
        changes["name"] = v7.name
    if not chart.instrument and v7.instrument:
        changes["instrument"] = v7.instrument
    return replace(chart, **changes) if changes else chart


def display_name(item: dict[str, Any]) -> str:
    """Yahoo's longName, else its shortName: one line of plain characters (no controls), at
    most NAME_LIMIT long; "" when it sends neither."""
    for key in ("longName", "shortName"):
        value = item.get(key)
        name = clean(" ".join(value.split()), NAME_LIMIT).strip() if isinstance(value, str) else ""
        if name:
            return name
    return ""


def instrument_type(value: object) -> str:
    """Yahoo's instrument type (EQUITY, ETF, INDEX…), or "" for anything else it may send."""
    return value if isinstance(value, str) and _INSTRUMENT.fullmatch(value) else ""


def chart_meta(answer: dict[str, Any]) -> dict[str, Any]:
    meta = (first_result(answer, "chart") or {}).get("meta")
    return meta if isinstance(meta, dict) else {}


def first_result(answer: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The first result of a "chart" or "quoteSummary" answer; None when it has none, as no
    answer of Yahoo's has (Yahoo says "not found" with HTTP 404)."""
    outer = answer.get(kind)
    results = outer.get("result") if isinstance(outer, dict) else None
    first = results[0] if isinstance(results, list) and results else None
    return first if isinstance(first, dict) else None


def _zone(name: object) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return US_MARKET


Report = tuple[date, float | None, float | None]  # report date, EPS estimate, EPS reported


def report_rows(page: str) -> list[Report]:
    """The earnings-calendar page's rows, oldest first: its first table, read by the column
    names yfinance reads ("Earnings Date", "EPS Estimate", "Reported EPS"; "-" is none).
    The date is the day the page names, in the US market time it states; a row without one
    is left out, and a page without the table has no rows."""
    table = _Table()
    table.feed(page)
    table.close()
    if not table.rows:
        return []
    header, *body = table.rows
    try:
        day, estimate, reported = (header.index(name) for name in (
            "Earnings Date", "EPS Estimate", "Reported EPS"))
    except ValueError:
        return []
    rows = []
    for cells in body:
        if len(cells) == len(header):
            with suppress(ValueError):
                rows.append((_page_day(cells[day]), _page_number(cells[estimate]),
                             _page_number(cells[reported])))
    return sorted(rows)


def _page_day(text: str) -> date:
    """"April 29, 2026 at 4 PM EDT" -> 2026-04-29 (ValueError for anything else)."""
    return datetime.strptime(text.rsplit(" ", 1)[0], "%B %d, %Y at %I %p").date()


def _page_number(text: str) -> float | None:
    return None if text in ("", "-") else number(text.replace(",", ""))


class _Table(HTMLParser):
    """The text of each cell of the first <table> in a page, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._state = "before"  # before, in, after the first table
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and self._state == "before":
            self._state = "in"
        elif self._state == "in" and tag == "tr":
            self.rows.append([])
        elif self._state == "in" and tag in ("td", "th") and self.rows:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._state != "in":
            return
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._state = "after"

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


Eps = tuple[float | None, float | None, str]  # estimate, reported, currency ("" unstated)


def earnings_quarters(symbol: str, summary: dict[str, Any], timeseries: dict[str, Any],
                      reports: list[Report]) -> tuple[EarningsQuarter, ...]:
    """One EarningsQuarter per quarter end Yahoo named (EPS or income statement), newest first.

    `summary` is the quoteSummary answer (its earningsHistory), `timeseries` the quarterly
    income answer. A report-calendar row lends its date, and fills EPS the earnings history
    lacks, to the quarter that ended within REPORT_WINDOW before it. EPS is in the currency the
    earnings history states (Alibaba's is RMB per ADS), which may differ from the amounts'.
    """
    by_eps = eps_history(summary)
    by_income = income_rows(timeseries)
    # the calendar page's EPS has no currency of its own: Yahoo quotes a ticker's EPS in one
    usual_eps_currency = next((c for _, _, c in by_eps.values() if c), "")
    currency = financial_currency(timeseries) or usual_eps_currency
    usual_eps_currency = usual_eps_currency or currency
    found = []
    for quarter_end in sorted(by_eps.keys() | by_income.keys(), reverse=True):
        report = next((r for r in reports
                       if quarter_end < r[0] <= quarter_end + REPORT_WINDOW), None)
        estimate, reported, eps_currency = by_eps.get(quarter_end, (None, None, ""))
        if report:
            estimate = report[1] if estimate is None else estimate
            reported = report[2] if reported is None else reported
        revenue, net_income = by_income.get(quarter_end, (None, None))
        found.append(EarningsQuarter(
            ticker=symbol,
            quarter_end=quarter_end,
            report_date=report[0] if report else None,
            eps_estimate=estimate,
            eps_reported=reported,
            revenue=revenue,
            net_income=net_income,
            currency=currency,
            source_url=f"https://finance.yahoo.com/quote/{symbol}/financials/",
            eps_currency=eps_currency or usual_eps_currency,
            eps_basis="as Yahoo reports it",
        ))
    return tuple(found)


def eps_history(answer: dict[str, Any]) -> dict[date, Eps]:
    """(estimate, reported, currency) per quarter end in a quoteSummary earningsHistory.

    The quarter is its `fmt` day, as yfinance reads it; an empty value (`"epsActual": {}`,
    a quarter not reported yet) is None.
    """
    history = (_summary_module(answer, "earningsHistory")).get("history") or []
    found = {}
    for item in history:
        if not isinstance(item, dict):
            continue
        quarter = _quarter_end(item.get("quarter"))
        if quarter is not None:
            currency = item.get("currency")
            found[quarter] = (_raw(item.get("epsEstimate")), _raw(item.get("epsActual")),
                              str(currency) if currency_code(currency) else "")
    return found


def _quarter_end(value: object) -> date | None:
    if not isinstance(value, dict):
        return None
    with suppress(TypeError, ValueError, KeyError):
        return date.fromisoformat(value["fmt"])
    stamp = value.get("raw")
    return datetime.fromtimestamp(stamp, UTC).date() if isinstance(stamp, int) else None


def _raw(value: object) -> float | None:
    return number(value.get("raw")) if isinstance(value, dict) else None


def _summary_module(answer: dict[str, Any], module: str) -> dict[str, Any]:
    """One module of a quoteSummary answer ({} when Yahoo sent none)."""
    found = (first_result(answer, "quoteSummary") or {}).get(module)
    return found if isinstance(found, dict) else {}


def income_rows(answer: dict[str, Any]) -> dict[date, tuple[float | None, float | None]]:
    """(revenue, net income) per quarter end in a quarterly fundamentals-timeseries answer;
    a later point for the same quarter replaces an earlier one, as in yfinance."""
    def row(name: str) -> dict[date, float | None]:
        points: dict[date, float | None] = {}
        for entry in (answer.get("timeseries") or {}).get("result") or []:
            for point in (entry.get(name) or []) if isinstance(entry, dict) else []:
                with suppress(TypeError, ValueError, KeyError, AttributeError):
                    points[date.fromisoformat(point["asOfDate"])] = _raw(point["reportedValue"])
        return points

    revenue, net_income = row("quarterlyTotalRevenue"), row("quarterlyNetIncome")
    return {day: (revenue.get(day), net_income.get(day)) for day in revenue.keys() | net_income}


def financial_currency(answer: dict[str, Any]) -> str | None:
    """The currency Yahoo states for the revenue figures."""
    for entry in (answer.get("timeseries") or {}).get("result") or []:
        for point in (entry.get("quarterlyTotalRevenue") or []) if isinstance(entry, dict) else []:
            if isinstance(point, dict) and currency_code(point.get("currencyCode")):
                return str(point["currencyCode"])
    return None


def next_earnings(symbol: str, answer: dict[str, Any], today: date) -> NextEarnings | None:
    """The next earnings date from today on; confirmed only when Yahoo says it is no estimate.

    While it is an estimate Yahoo often gives two dates: the window they span.
    """
    earnings = _summary_module(answer, "calendarEvents").get("earnings") or {}
    days = sorted(datetime.fromtimestamp(s, UTC).astimezone(US_MARKET).date()
                  for s in earnings.get("earningsDate") or [] if isinstance(s, int))
    upcoming = [d for d in days if d >= today]
    if not upcoming:
        return None
    confirmed = earnings.get("isEarningsDateEstimate") is False
    latest = upcoming[-1] if not confirmed and upcoming[-1] != upcoming[0] else None
    return NextEarnings(symbol, upcoming[0], confirmed, f"https://finance.yahoo.com/quote/{symbol}/",
                        latest)
