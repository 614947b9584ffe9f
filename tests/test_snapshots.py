"""Pictures of every screen at wide, medium and narrow sizes, from the bundled snapshot and a
fixed clock. Update only for an intended change, after looking at the picture."""

from __future__ import annotations

import pytest

SIZES = {"wide": (160, 45), "medium": (100, 40), "narrow": (70, 30)}


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, make_test_app, size: str) -> None:
    assert snap_compare(make_test_app(), terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
def test_detail(snap_compare, make_test_app, size: str) -> None:
    assert snap_compare(make_test_app(), press=["enter"], terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, make_test_app, size: str) -> None:
    assert snap_compare(make_test_app(), press=["question_mark"], terminal_size=SIZES[size])


def test_home_focus_on_third_card(snap_compare, make_test_app) -> None:
    assert snap_compare(make_test_app(), press=["l", "l"], terminal_size=SIZES["wide"])
