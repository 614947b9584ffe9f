"""What a card says about dates: the next report, quarters missing from the data, and whether
the price is from the current session (so 'live' never sits on an old bar)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aiwatch.market import last_session_day
from aiwatch.model import (
    Company,
    EarningsQuarter,
    Fundamentals,
    NextEarnings,
    Origin,
    Provenance,
    Quote,
    TickerView,
)
from aiwatch.summary import missing_quarters, summarise, upcoming_report
from aiwatch.widgets.format import price_provenance, report_date

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday 10:00 New York
TODAY = NOW.date()
AMZN_Q1 = EarningsQuarter(ticker="AMZN", quarter_end=date(2026, 3, 31),
                          report_date=date(2026, 4, 29))


def test_a_past_next_date_is_not_shown_as_next() -> None:
    past = NextEarnings("AMZN", date(2026, 7, 30), confirmed=False)
    assert upcoming_report(past, TODAY) is None
    assert str(report_date(upcoming_report(past, TODAY))) == "not announced"


def test_a_window_counts_until_its_last_day() -> None:
    window = NextEarnings("BABA", date(2026, 11, 20), False, latest=date(2026, 11, 27))
    assert upcoming_report(window, TODAY) == window
    assert str(report_date(window)) == "2026-11-20–27 est."
    confirmed = NextEarnings("MSFT", date(2027, 1, 27), confirmed=True)
    assert str(report_date(confirmed)) == "2027-01-27"


def test_quarters_reported_since_the_data_are_named() -> None:
    """At 2026-11-25 AMZN's 2026Q2 (ended 06-30) is surely reported; 2026Q3 (ended 09-30,
    56 days ago) is within the reporting window, so only a passed date proves it."""
    assert missing_quarters([AMZN_Q1], None, TODAY) == (date(2026, 6, 30),)
    reported = NextEarnings("AMZN", date(2026, 10, 29), confirmed=True)
    assert missing_quarters([AMZN_Q1], reported, TODAY) == (
        date(2026, 6, 30), date(2026, 9, 30))
    up_to_date = EarningsQuarter(ticker="AMZN", quarter_end=date(2026, 9, 30))
    assert missing_quarters([AMZN_Q1, up_to_date], None, TODAY) == ()


def quote(market_time: datetime, kind: Provenance = Provenance.LIVE, zone: str = "") -> Quote:
    return Quote("X", 100.0, 99.0, "USD", market_time, Origin(kind, NOW), exchange_tz=zone)


@pytest.mark.parametrize(("market_time", "current"), [
    (datetime(2026, 11, 25, 14, 55, tzinfo=UTC), True),   # today's session, under way
    (datetime(2026, 11, 24, 21, 0, tzinfo=UTC), False),   # yesterday's close, session open now
    (datetime(2025, 11, 25, 21, 0, tzinfo=UTC), False),   # a year-old bar
])
def test_only_a_current_session_price_is_live(market_time: datetime, current: bool) -> None:
    view = TickerView(Company("X", "X"), quote=quote(market_time))
    summary = summarise(view, (), "", NOW)
    assert summary.price_current is current
    badge = price_provenance(summary.figures.quote, summary.price_current, NOW)
    assert badge == ("live" if current else f"as of {market_time:%Y-%m-%d}")


def test_before_the_open_and_on_holidays_the_last_session_counts() -> None:
    # Thanksgiving 2026-11-26: the market is shut, Wednesday's session is the last one
    thanksgiving = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
    assert last_session_day(thanksgiving) == date(2026, 11, 25)
    # Monday 08:00 New York, before the open: Friday's session
    assert last_session_day(datetime(2026, 11, 30, 13, 0, tzinfo=UTC)) == date(2026, 11, 27)
    # Hong Kong, Wednesday 10:00 local: that day's session
    hk = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    assert last_session_day(hk, "Asia/Hong_Kong") == date(2026, 11, 25)


def test_a_cached_current_price_keeps_its_age() -> None:
    cached = quote(datetime(2026, 11, 25, 14, 0, tzinfo=UTC), Provenance.CACHED)
    cached = Quote(cached.ticker, cached.price, cached.previous_close, cached.currency,
                   cached.as_of, Origin(Provenance.CACHED, datetime(2026, 11, 25, 14, 0,
                                                                    tzinfo=UTC)))
    assert price_provenance(cached, True, NOW) == "cached 1 h ago"


def test_the_summary_carries_the_next_report_and_the_missing_quarters() -> None:
    fundamentals = Fundamentals("AMZN", (AMZN_Q1,), Origin(Provenance.SNAPSHOT, NOW),
                                NextEarnings("AMZN", date(2026, 7, 30), confirmed=False))
    summary = summarise(TickerView(Company("AMZN", "Amazon"), fundamentals=fundamentals),
                        (), "", NOW)
    assert summary.next_report is None
    assert summary.missing_quarters == (date(2026, 6, 30),)
    assert summary.last_report == date(2026, 4, 29)
