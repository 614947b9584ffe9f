"""The thesis-check grammar and its evaluation: no eval, every operator, clear errors."""

from __future__ import annotations

import pytest

from aiwatch.checks import METRICS, evaluate, parse_checks, parse_line
from aiwatch.feed import base_views
from aiwatch.metrics import figures
from aiwatch.sources.snapshot import load_snapshot

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


def amzn_values() -> dict[str, float | None]:
    snap = load_snapshot()
    return figures(base_views(snap, ["AMZN"])["AMZN"], snap.shares).check_values()


def test_every_documented_metric_has_a_value_and_no_other() -> None:
    assert set(METRICS) == set(amzn_values())
    assert all(METRICS.values())


# Each figure worked out by hand from data/ (prices/AMZN.csv, earnings.csv, cloud_segments.csv,
# market_share.csv), not by the code under test.
HAND_CHECKED_AMZN = {
    "price": 256.29,  # last close, 2026-10-06
    "change_pct": (256.29 / 251.40 - 1) * 100,  # vs the 2026-10-05 close: +1.9451
    "eps_surprise": (2.78 / 1.65 - 1) * 100,  # 2026Q1: 2.78 reported vs 1.65 expected
    "eps": 2.78,
    "revenue_yoy": 16.6,  # stated for 2026Q1
    "net_income_yoy": (30.3 / 17.1 - 1) * 100,  # none stated: 30.3bn vs 17.1bn, +77.19
    "cloud_yoy": 28.0,  # AWS 2026Q1, stated
    "cloud_share": 28.0,  # Synergy, global, 2026Q1
    "cloud_share_change": -1.0,  # 28 vs 29 in 2025Q1
    "china_share": None,  # only Alibaba has one
    "range_pos": (256.29 - 198.79) / (284.02 - 198.79) * 100,  # low 2026-02-13, high 2026-08-03
}


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_each_metric_is_the_hand_checked_figure(metric: str) -> None:
    got = amzn_values()[metric]
    expected = HAND_CHECKED_AMZN[metric]
    assert got == (None if expected is None else pytest.approx(expected, abs=1e-6))


def test_china_share_is_alibabas_omdia_figure() -> None:
    snap = load_snapshot()
    values = figures(base_views(snap, ["BABA"])["BABA"], snap.shares).check_values()
    assert values["china_share"] == 37  # Omdia, China, 2025Q4
