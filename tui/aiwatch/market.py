"""When the US market is open: auto-refresh only then (prices do not move otherwise).

The exchange calendar is the `holidays` package's NYSE calendar (pure Python, no pandas):
its PUBLIC category holds the days the exchange is closed, its HALF_DAY category the early
closes. NYSE publishes both at https://www.nyse.com/markets/hours-calendars ("Holidays &
Trading Hours"): closed on New Year's Day, Martin Luther King Jr. Day, Washington's Birthday,
Good Friday, Memorial Day, Juneteenth, Independence Day, Labor Day, Thanksgiving and
Christmas (a Saturday holiday is observed on the Friday before, a Sunday one on the Monday
after), and "each market will close early at 1:00 p.m." on the day before Independence Day,
the day after Thanksgiving and Christmas Eve (when those are trading days).
Both categories for 2000–2040 are bundled in data/nyse_calendar.json (written from `holidays`
by scripts/build_calendar.py): importing `holidays` loads every country's and exchange's
calendar, ~0.25 s of CPU that the first paint (which asks for the last session day) would wait
for. Years outside the table still come from `holidays`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

NEW_YORK = ZoneInfo("America/New_York")
OPEN, CLOSE = time(9, 30), time(16, 0)
# Every scheduled NYSE early close since 1993 ends at 1:00 p.m. New York time.
EARLY_CLOSE = time(13, 0)
CALENDAR = Path(__file__).parent / "data" / "nyse_calendar.json"


def market_open(now: datetime) -> bool:
    """Regular NYSE/Nasdaq hours: weekdays 09:30 to 16:00 New York time (13:00 on early-close
    days), never on exchange holidays."""
    local = now.astimezone(NEW_YORK)
    day = local.date()
    if local.weekday() >= 5 or day in _closed_days(day.year):
        return False
    close = EARLY_CLOSE if day in _early_closes(day.year) else CLOSE
    return OPEN <= local.time() < close


def last_session_day(now: datetime, zone_name: str = "") -> date:
    """The trading day of the session under way, or of the last one if none is: the day a
    price must be from to count as current. NYSE's calendar for New York; elsewhere weekdays
    (other exchanges' holidays are not modelled: a price there may read current a day late)."""
    exchange = zone(zone_name)
    local = now.astimezone(exchange)
    day = local.date()
    if local.time() < OPEN:
        day -= timedelta(days=1)
    while not _trading_day(day, exchange is NEW_YORK):
        day -= timedelta(days=1)
    return day


def market_day(moment: datetime, zone_name: str = "") -> date:
    """The exchange's date of a market time."""
    return moment.astimezone(zone(zone_name)).date()


def _trading_day(day: date, new_york: bool) -> bool:
    return day.weekday() < 5 and not (new_york and day in _closed_days(day.year))


def zone(name: str) -> ZoneInfo:
    """An exchange's time zone by its IANA name; New York when unknown."""
    if not name or name == "America/New_York":
        return NEW_YORK
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return NEW_YORK


@cache
def _closed_days(year: int) -> frozenset[date]:
    """The year's full-day exchange holidays (observed dates)."""
    return _calendar(year, "public")


@cache
def _early_closes(year: int) -> frozenset[date]:
    """The year's 1:00 p.m. closes."""
    return _calendar(year, "half_day")


def _calendar(year: int, category: str) -> frozenset[date]:
    years, days = _bundled()
    if year in years:
        return frozenset(day for day in days[category] if day.year == year)
    import holidays  # a year the bundled table lacks: the whole package, once

    return frozenset(holidays.financial_holidays("NYSE", years=year, categories=(category,)))


@cache
def _bundled() -> tuple[range, dict[str, list[date]]]:
    """The years the bundled table covers, and its "public" and "half_day" days."""
    table = msgspec.json.decode(CALENDAR.read_bytes())
    first, last = table["years"]
    return range(first, last + 1), {category: [date.fromisoformat(day) for day in table[category]]
                                    for category in ("public", "half_day")}
