"""What a card and the detail screen say about one ticker, computed once per update.

Joins a TickerView (the figures), the market-share rows and the thesis note into the values the
widgets render, so widgets hold no logic beyond layout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from msgspec import Struct
from msgspec.structs import replace

from aiwatch.checks import evaluate, parse_alert, parse_alerts, parse_checks, parse_line
from aiwatch.market import last_session_day, market_day
from aiwatch.metrics import Figures, figures, next_quarter_end
from aiwatch.model import (
    EQUITY,
    CheckResult,
    CloudShare,
    EarningsQuarter,
    NextEarnings,
    TickerView,
)

if TYPE_CHECKING:  # set by with_holdings, whose caller loads them
    from aiwatch.adr import AdsComparison
    from aiwatch.positions import Position

# The slowest of the four reports about 60 days after a quarter ends (Alibaba: 45–60 days,
# data/earnings.csv); past this, a quarter missing from the data has been reported.
REPORTED_WITHIN = timedelta(days=70)
# How the card names an instrument without earnings (Yahoo's type → words); others lowercased
INSTRUMENT_WORDS = {"ETF": "ETF", "INDEX": "index", "CURRENCY": "currency",
                    "CRYPTOCURRENCY": "crypto", "MUTUALFUND": "fund", "FUTURE": "future",
                    "MONEYMARKET": "money-market fund", "OPTION": "option"}


class TickerSummary(Struct, frozen=True):
    """Everything a card and the detail screen show for one ticker, worked out once."""

    view: TickerView
    figures: Figures
    note: str  # the whole Markdown note
    thesis_lines: tuple[str, ...]  # the prose of the note, without headings or checks
    checks: tuple[CheckResult, ...]
    next_report: NextEarnings | None  # a date (or window) still ahead; None: not announced
    last_report: date | None
    missing_quarters: tuple[date, ...]  # ended and reported since the data's newest quarter
    price_day: date | None  # the exchange's trading day the price is from
    price_current: bool  # from the session under way or the last one: else "as of <day>"
    alerts: tuple[CheckResult, ...] = ()  # `alert:` lines: passed means the alert holds
    # "ETF: no earnings": Yahoo says the instrument has none (one muted line, not n/a rows);
    # "" for a company's shares or an unknown type
    no_fundamentals_reason: str = ""
    position: Position | None = None  # the user's lots, valued (set by with_holdings)
    ads: AdsComparison | None = None  # BABA only: the ADS against the Hong Kong line
    # what else it was worked out from, so resummarise knows when it still holds
    shares: Sequence[CloudShare] = ()
    today: date | None = None
    session_day: date | None = None  # the exchange's last session day then

    @property
    def ticker(self) -> str:
        return self.view.ticker


def thesis_prose(text: str) -> tuple[str, ...]:
    """The note's sentences: headings, check lines (and near misses, shown with the checks)
    and blank lines dropped."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or parse_line(0, stripped) is not None \
                or parse_alert(0, stripped) is not None:
            continue
        lines.append(stripped)
    return tuple(lines)


def no_fundamentals_reason(view: TickerView) -> str:
    """Why the card has no earnings to show, when the quote says the symbol is no company's
    shares ("ETF: no earnings"); "" otherwise (the refresher then asks for them)."""
    instrument = view.quote.instrument if view.quote else ""
    if instrument in ("", EQUITY):
        return ""
    return f"{INSTRUMENT_WORDS.get(instrument, instrument.lower())}: no earnings"


def upcoming_report(upcoming: NextEarnings | None, today: date) -> NextEarnings | None:
    """The next report if it is still ahead (a window counts until its last day)."""
    if upcoming is None or (upcoming.latest or upcoming.report_date) < today:
        return None
    return upcoming


def missing_quarters(
    quarters: Sequence[EarningsQuarter], upcoming: NextEarnings | None, today: date
) -> tuple[date, ...]:
    """Quarter ends after the data's newest that have been reported by now: the announced
    date has passed, or the quarter ended longer ago than any of these companies takes."""
    newest = max((q.quarter_end for q in quarters), default=None)
    if newest is None:
        return ()
    missing = []
    end = next_quarter_end(newest)
    while end < today:
        announced = upcoming is not None and upcoming.report_date <= today and (
            end < upcoming.report_date <= end + REPORTED_WITHIN)
        if announced or today - end > REPORTED_WITHIN:
            missing.append(end)
        end = next_quarter_end(end)
    return tuple(missing)


def summarise(
    view: TickerView, shares: Sequence[CloudShare], note_text: str, now: datetime
) -> TickerSummary:
    today = now.date()
    figs = figures(view, shares)
    quote = figs.quote
    price_day = market_day(quote.as_of, quote.exchange_tz) if quote else None
    session_day = last_session_day(now, quote.exchange_tz) if quote else None
    current = price_day is not None and session_day is not None and price_day >= session_day
    values = figs.check_values()
    fundamentals = view.fundamentals
    upcoming = fundamentals.next_earnings if fundamentals else None
    quarters = fundamentals.quarters if fundamentals else ()
    last = max((q.report_date for q in quarters if q.report_date and q.report_date <= today),
               default=None)
    return TickerSummary(
        view=view,
        figures=figs,
        note=note_text,
        thesis_lines=thesis_prose(note_text),
        checks=tuple(evaluate(c, values) for c in parse_checks(note_text)),
        alerts=tuple(evaluate(a, values) for a in parse_alerts(note_text)),
        no_fundamentals_reason=no_fundamentals_reason(view),
        next_report=upcoming_report(upcoming, today),
        last_report=last,
        missing_quarters=missing_quarters(quarters, upcoming, today),
        price_day=price_day,
        price_current=current,
        shares=shares,
        today=today,
        session_day=session_day,
    )


def with_holdings(summaries: Mapping[str, TickerSummary], positions: Mapping[str, Position],
                  ads: AdsComparison | None, ads_symbol: str) -> dict[str, TickerSummary]:
    """The summaries with each symbol's position (and the ADS comparison on its symbol);
    a summary whose figures did not change is the same object, so its card does not repaint."""
    result = {}
    for ticker, summary in summaries.items():
        position = positions.get(ticker)
        comparison = ads if ticker == ads_symbol else None
        if summary.position != position or summary.ads != comparison:
            summary = replace(summary, position=position, ads=comparison)
        result[ticker] = summary
    return result


def resummarise(
    previous: Mapping[str, TickerSummary], views: Mapping[str, TickerView],
    shares: Sequence[CloudShare], notes: Mapping[str, str], now: datetime,
) -> dict[str, TickerSummary]:
    """Summaries of `views`, keeping each previous one whose view (equal: parts are shared), market
    shares, note, day and exchange session are unchanged: applying a refresh works out only the
    tickers it brought something new for (100 summaries cost ~40 ms of the UI's loop)."""
    summaries = {}
    for ticker, view in views.items():
        note, kept = notes.get(ticker, ""), previous.get(ticker)
        if kept is None or not _holds(kept, view, shares, note, now):
            kept = summarise(view, shares, note, now)
        summaries[ticker] = kept
    return summaries


def _holds(summary: TickerSummary, view: TickerView, shares: Sequence[CloudShare], note: str,
           now: datetime) -> bool:
    quote = summary.figures.quote
    return (summary.view == view and summary.shares is shares and summary.note == note
            and summary.today == now.date() and summary.session_day == (
                last_session_day(now, quote.exchange_tz) if quote else None))
