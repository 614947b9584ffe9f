"""From Yahoo's answers (yfinance's frames, the raw JSON kept by the wire) to model objects.

Pure functions: no I/O, and neither yfinance nor pandas is imported (frames are only read), so
every rule here is testable with hand-built answers.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiwatch.model import (
    EarningsQuarter,
    NextEarnings,
    Origin,
    PriceHistory,
    Quote,
    plausible_price,
)
from aiwatch.text import clean, currency_code

if TYPE_CHECKING:
    import pandas as pd

REPORT_WINDOW = timedelta(days=100)  # a quarter is reported within this long after it ends
# The close a day change is measured from: the last bar before the quote's day, if it is this
# recent (a long holiday such as the Lunar New Year week); an older one is no "day" change.
PREVIOUS_SESSION_WITHIN = timedelta(days=10)
US_MARKET = ZoneInfo("America/New_York")  # Yahoo's earnings times are US market times


def number(value: Any) -> float | None:
    """A float, or None for Yahoo's gaps (missing, NaN)."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def daily_closes(frame: pd.DataFrame | None, symbol: str
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
                 history.origin, exchange_tz=clean(meta.get("exchangeTimezoneName")))


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
        quotes[symbol] = Quote(symbol, price, previous if plausible_price(previous) else None,
                               currency, datetime.fromtimestamp(stamp, UTC), origin,
                               exchange_tz=clean(item.get("exchangeTimezoneName")))
    return quotes


def chart_meta(answer: dict[str, Any]) -> dict[str, Any]:
    results = (answer.get("chart") or {}).get("result") or [{}]
    meta = results[0].get("meta") if isinstance(results[0], dict) else None
    return meta if isinstance(meta, dict) else {}


def _zone(name: object) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return US_MARKET


Report = tuple[date, float | None, float | None]  # report date, EPS estimate, EPS reported


def report_rows(frame: pd.DataFrame | None) -> list[Report]:
    """The earnings-calendar rows, oldest first (yfinance gives None when the page had none)."""
    if frame is None:
        return []
    rows = [(stamp.date(), number(row.get("EPS Estimate")), number(row.get("Reported EPS")))
            for stamp, row in frame.iterrows() if isinstance(stamp, datetime)]
    return sorted(rows)


def earnings_quarters(symbol: str, eps: pd.DataFrame, income: pd.DataFrame, reports: list[Report],
              income_answer: dict[str, Any],
              eps_currencies: dict[date, str]) -> tuple[EarningsQuarter, ...]:
    """One EarningsQuarter per quarter end Yahoo named (EPS or income statement), newest first.

    A report-calendar row lends its date, and fills EPS the earnings history lacks, to the
    quarter that ended within REPORT_WINDOW before it. EPS is in the currency the earnings
    history states (Alibaba's is RMB per ADS), which may differ from the amounts' currency.
    """
    by_eps = {q.date(): (number(row.get("epsEstimate")), number(row.get("epsActual")))
              for q, row in eps.iterrows() if isinstance(q, datetime)}
    by_income = income_rows(income)
    # the calendar page's EPS has no currency of its own: Yahoo quotes a ticker's EPS in one
    usual_eps_currency = next(iter(eps_currencies.values()), "")
    currency = financial_currency(income_answer) or usual_eps_currency
    usual_eps_currency = usual_eps_currency or currency
    found = []
    for quarter_end in sorted(by_eps.keys() | by_income.keys(), reverse=True):
        report = next((r for r in reports
                       if quarter_end < r[0] <= quarter_end + REPORT_WINDOW), None)
        estimate, reported = by_eps.get(quarter_end, (None, None))
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
            eps_currency=eps_currencies.get(quarter_end, usual_eps_currency),
            eps_basis="as Yahoo reports it",
        ))
    return tuple(found)


def income_rows(frame: pd.DataFrame) -> dict[date, tuple[float | None, float | None]]:
    """(revenue, net income) per quarter end from yfinance's income-statement frame."""
    def row(name: str) -> dict[date, float | None]:
        if name not in frame.index:
            return {}
        return {column.date(): number(value) for column, value in frame.loc[name].items()
                if isinstance(column, datetime)}

    revenue, net_income = row("TotalRevenue"), row("NetIncome")
    return {day: (revenue.get(day), net_income.get(day)) for day in revenue.keys() | net_income}


def financial_currency(answer: dict[str, Any]) -> str | None:
    """The currency Yahoo states for the revenue figures (yfinance's frame drops it)."""
    for entry in (answer.get("timeseries") or {}).get("result") or []:
        for point in entry.get("quarterlyTotalRevenue") or []:
            if point and currency_code(point.get("currencyCode")):
                return str(point["currencyCode"])
    return None


def eps_currencies(answer: dict[str, Any]) -> dict[date, str]:
    """The currency of each quarter's EPS in the earnings history (yfinance's frame drops it)."""
    results = (answer.get("quoteSummary") or {}).get("result") or [{}]
    history = (results[0].get("earningsHistory") or {}).get("history") or []
    currencies = {}
    for item in history:
        stamp = (item.get("quarter") or {}).get("raw") if isinstance(item, dict) else None
        if isinstance(stamp, int) and currency_code(item.get("currency")):
            currencies[datetime.fromtimestamp(stamp, UTC).date()] = item["currency"]
    return currencies


def next_earnings(symbol: str, answer: dict[str, Any], today: date) -> NextEarnings | None:
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
