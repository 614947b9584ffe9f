"""Auto-refresh runs only in regular US trading hours."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aiwatch.market import market_open


@pytest.mark.parametrize(("when", "is_open"), [
    (datetime(2026, 11, 25, 15, 0, tzinfo=UTC), True),    # Wed 10:00 New York
    (datetime(2026, 11, 25, 14, 29, tzinfo=UTC), False),  # Wed 09:29
    (datetime(2026, 11, 25, 14, 30, tzinfo=UTC), True),   # the opening bell
    (datetime(2026, 11, 25, 21, 0, tzinfo=UTC), False),   # Wed 16:00: closed
    (datetime(2026, 11, 28, 15, 0, tzinfo=UTC), False),   # Saturday
    (datetime(2026, 7, 1, 13, 30, tzinfo=UTC), True),     # summer time: 09:30 EDT
])
def test_market_open(when: datetime, is_open: bool) -> None:
    assert market_open(when) is is_open
