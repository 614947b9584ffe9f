"""Hostile text (fault probe case 41): every odd check line is one error on its own line,
never evaluated as code, and a number too large to hold becomes infinity and fails."""

from __future__ import annotations

import pytest

from aiwatch.checks import evaluate, parse_line

VALUES = {"cloud_yoy": 38.0, "price": 164.32, "eps_surprise": None, "cloud_share": 4.0}


@pytest.mark.probe(41)
@pytest.mark.parametrize("line", [
    "check: cloud_yoy >> 20", "check: cloud_yoy => 20", "check: cloud_yoy ≥ 20",
    "check: price < 1e400", "check: price < nan", "check: price < inf", "check: price < -inf",
    "check: cloud_yoy > 20%%", "check: ", "check: __class__ > 1", "check: price < 1;rm -rf /",
])
def test_each_odd_check_line_is_one_error_with_its_line_number(line: str) -> None:
    check = parse_line(12, line)

    assert check is not None and check.line_no == 12 and check.error
    assert evaluate(check, VALUES).passed is None


@pytest.mark.probe(41)
def test_a_400_digit_number_is_infinity_and_fails_honestly() -> None:
    check = parse_line(3, "check: price > " + "9" * 400)

    assert check is not None and check.error == ""
    assert evaluate(check, VALUES).passed is False
