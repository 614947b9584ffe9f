"""The thesis-check grammar and its evaluation: no eval, every operator, clear errors."""

from __future__ import annotations

import pytest

from aiwatch.checks import METRICS, evaluate, parse_checks, parse_line

VALUES = {"cloud_yoy": 38.0, "price": 164.32, "eps_surprise": None, "cloud_share": 4.0}


@pytest.mark.parametrize(("line", "passed"), [
    ("check: cloud_yoy >= 38", True),
    ("check: cloud_yoy > 38", False),
    ("check: cloud_yoy <= 38", True),
    ("check: cloud_yoy < 38", False),
    ("check: cloud_yoy == 38", True),
    ("check: cloud_yoy != 38", False),
    ("check: price < 180", True),
    ("check: cloud_share >= 4%", True),
    ("check: cloud_share >= 4.5 %", False),
    ("CHECK:cloud_yoy>-5", True),
    ("- check: price >= .5", True),
    ("check: price < 1e9", None),  # scientific notation is not in the grammar
])
def test_operators_and_numbers(line: str, passed: bool | None) -> None:
    check = parse_line(1, line)
    assert check is not None
    assert evaluate(check, VALUES).passed is passed


def test_missing_data_is_unknown_not_failed() -> None:
    check = parse_line(3, "check: eps_surprise > 0")
    assert check is not None and check.error == ""
    result = evaluate(check, VALUES)
    assert (result.passed, result.actual) == (None, None)


def test_actual_value_is_reported() -> None:
    check = parse_line(1, "check: cloud_yoy >= 20")
    assert check is not None
    result = evaluate(check, VALUES)
    assert (result.passed, result.actual) == (True, 38.0)


@pytest.mark.parametrize(("line", "error"), [
    ("check: margin > 3", "unknown metric 'margin'"),
    ("check: cloud_yoy", "no comparison"),
    ("check:", "empty check"),
    ("check: cloud_yoy >= twenty", "expected: metric operator number"),
    ("check: cloud_yoy => 20", "expected: metric operator number"),
    ("check: __import__('os').system('x') > 1", "expected: metric operator number"),
    ("check: cloud_yoy >= 20 and price < 3", "expected: metric operator number"),
])
def test_malformed_lines_explain_themselves(line: str, error: str) -> None:
    check = parse_line(7, line)
    assert check is not None and check.line_no == 7
    assert error in check.error
    assert evaluate(check, VALUES).passed is None


def test_parse_checks_keeps_line_numbers_and_skips_prose() -> None:
    note = "# BABA\n\nA check: this line is prose\ncheck: cloud_yoy >= 20\n\ncheck: bogus\n"
    checks = parse_checks(note)
    assert [(c.line_no, c.metric, c.error != "") for c in checks] == [
        (4, "cloud_yoy", False), (6, "", True)]


def test_every_metric_is_documented() -> None:
    assert set(METRICS) >= {"price", "eps_surprise", "cloud_yoy", "cloud_share", "china_share"}
    assert all(METRICS.values())
