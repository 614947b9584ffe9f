"""Pictures of every screen at wide, medium and narrow sizes, from the bundled snapshot and a
fixed clock. Update only for an intended change, after looking at the picture."""

from __future__ import annotations

import pytest
from screen_states import SCREENS, SIZES


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(snap_compare, make_test_app, screen: str, size: str) -> None:
    assert snap_compare(make_test_app(), press=SCREENS[screen], terminal_size=SIZES[size])


def test_home_focus_on_third_card(snap_compare, make_test_app) -> None:
    assert snap_compare(make_test_app(), press=["l", "l"], terminal_size=SIZES["wide"])
