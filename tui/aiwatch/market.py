"""When the US market is open: auto-refresh only then (prices do not move otherwise)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
OPEN, CLOSE = time(9, 30), time(16, 0)


def market_open(now: datetime) -> bool:
    """Regular NYSE/Nasdaq hours, Monday to Friday (exchange holidays are not modelled)."""
    local = now.astimezone(NEW_YORK)
    return local.weekday() < 5 and OPEN <= local.time() < CLOSE
