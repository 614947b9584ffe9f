"""The thesis-check grammar and its evaluation: no eval, every operator, clear errors."""

from __future__ import annotations

import time

import pytest
from rich.console import Console
from rich.text import Text

from aiwatch.checks import METRICS, OPERATORS, evaluate, parse_checks, parse_line, shown_value
from aiwatch.feed import base_views
from aiwatch.metrics import figures
from aiwatch.sources.snapshot import load_snapshot
from aiwatch.summary import thesis_prose
from aiwatch.widgets.format import C
from aiwatch.widgets.ticker_card import check_line

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
@pytest.mark.probe(41)
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


# --- the value shown beside a check -------------------------------------------------------

def shown(line: str, actual: float) -> str:
    check = parse_line(1, line)
    assert check is not None and not check.error
    return shown_value(check, actual)


@pytest.mark.parametrize(("line", "actual", "text"), [
    ("check: range_pos <= 67", 67.2, "67.2"),      # one decimal is enough to see it fails
    ("check: range_pos <= 67", 67.04, "67.04"),    # 67.0 would read as a pass
    ("check: range_pos <= 67", 66.96, "67.0"),     # passes, and 67.0 <= 67 reads as a pass
    ("check: eps >= 5.11", 5.104, "5.10"),         # money: two decimals, and 5.10 < 5.11
    ("check: eps >= 5.11", 5.1099, "5.1099"),      # 5.11 and 5.110 would read as a pass
    ("check: eps >= 5.10", 5.1, "5.10"),           # the threshold's own two decimals
    ("check: cloud_yoy == 38", 38.0, "38.0"),      # % metrics: at least one decimal
    ("check: cloud_yoy == 38", 38.04, "38.04"),
    ("check: cloud_yoy != 38", 38.0000001, "38.0000001"),  # beyond 6 places: the exact value
    ("check: cloud_share >= 4.25", 4.3, "4.30"),
    ("check: change_pct > 0", 0.004, "0.004"),
    ("check: price < 180", 164.3249, "164.32"),
    ("check: price > 1000", 1234.5, "1,234.50"),
])
def test_value_is_shown_at_the_precision_it_is_compared_at(
    line: str, actual: float, text: str
) -> None:
    assert shown(line, actual) == text


@pytest.mark.parametrize("actual", [66.95, 66.99, 67.0, 67.000001, 67.004, 67.05, 67.5, 1e-9])
@pytest.mark.parametrize("op", ["<=", ">=", "<", ">", "==", "!="])
def test_shown_value_read_back_gives_the_same_verdict(op: str, actual: float) -> None:
    check = parse_line(1, f"check: range_pos {op} 67")
    assert check is not None
    text = shown_value(check, actual)
    assert (OPERATORS[op](float(text.replace(",", "")), 67.0)
            is OPERATORS[op](actual, 67.0)), text


def test_card_shows_the_precise_value() -> None:
    check = parse_line(1, "check: range_pos <= 67")
    assert check is not None
    line = check_line(evaluate(check, {"range_pos": 67.04}), 40)
    assert line.plain.startswith("✘ range_pos <= 67")
    assert line.plain.endswith(" 67.04")


# --- the check prefix: real checks, near misses, prose -----------------------------------

@pytest.mark.parametrize("line", [
    "Check: cloud_yoy >= 20",
    "CHECK: cloud_yoy >= 20",
    "CHECK : cloud_yoy >= 20",
    "  check:cloud_yoy>=20",
    "- check: cloud_yoy >= 20",
    "* check: cloud_yoy >= 20",
    "+ check: cloud_yoy >= 20",
    "1. check: cloud_yoy >= 20",
])
def test_check_prefix_in_any_case_and_list(line: str) -> None:
    check = parse_line(2, line)
    assert check is not None
    assert (check.error, check.metric, check.op, check.threshold) == ("", "cloud_yoy", ">=", 20)


@pytest.mark.parametrize("line", [
    "chek: cloud_yoy >= 20",
    "Chek: cloud_yoy >= 20",
    "chk: cloud_yoy >= 20",
    "checks: cloud_yoy >= 20",
    "chekc: cloud_yoy >= 20",
    "- chek: cloud_yoy >= 20",
    "* CHK : cloud_yoy >= 20",
    "check - cloud_yoy >= 20",
    "check — cloud_yoy >= 20",
    "check cloud_yoy >= 20",
    "Check cloud_yoy >= 20",
])
def test_near_miss_of_the_prefix_gets_a_hint(line: str) -> None:
    check = parse_line(5, line)
    assert check is not None
    assert check.error == "not read as a check: did you mean 'check: cloud_yoy >= 20'?"
    assert (check.line_no, check.text) == (5, line.strip())
    assert evaluate(check, VALUES).passed is None


@pytest.mark.parametrize("line", [
    "I check the numbers weekly",
    "Check the numbers weekly.",
    "A check: this line is prose",
    "Checks:",
    "Checked the filings; cloud_yoy looks fine.",
    "Cheap: trades at 12x earnings",
    "checkpoint: cloud_yoy >= 20",
    "check_list: cloud_yoy >= 20",
    "## Checks",
    "",
    "Long prose. " * 1000,
])
def test_prose_is_not_a_check(line: str) -> None:
    assert parse_line(1, line) is None


def test_near_misses_stay_out_of_the_thesis_prose() -> None:
    note = "# X\nGrowing.\nchek: cloud_yoy >= 20\n- check: price < 9\nI check it weekly\n"
    assert thesis_prose(note) == ("Growing.", "I check it weekly")


# --- long lines ------------------------------------------------------------------------------

PADDED = [
    "check: cloud_yoy >= 20" + " " * 50_000,
    "check: cloud_yoy >= 20" + " " * 50_000 + "x",
    "check: cloud_yoy" + " " * 50_000 + ">= 20",
    "check:" + " " * 50_000 + "cloud_yoy >= 20 %" + " " * 50_000 + "%x",
    "check: " + "a" * 50_000 + " >= " + "1" * 50_000 + "x",
    " " * 50_000 + "chek " + " " * 50_000 + "cloud_yoy",
    "- " * 25_000 + "check: price < 1",
]


@pytest.mark.parametrize("line", PADDED)
@pytest.mark.probe(42)
def test_long_lines_parse_in_milliseconds(line: str) -> None:
    start = time.perf_counter()
    parse_line(1, line)
    assert time.perf_counter() - start < 0.05


@pytest.mark.probe(42)
def test_trailing_spaces_do_not_make_a_line_too_long() -> None:
    check = parse_line(1, PADDED[0])
    assert check is not None and check.error == "" and check.metric == "cloud_yoy"


def test_a_check_line_beyond_the_cap_is_reported_too_long() -> None:
    check = parse_line(4, PADDED[2])
    assert check is not None
    assert check.error == "line too long (50,021 characters; a check is read up to 500)"
    assert check.text == "check: cloud_yoy…"


# --- how a malformed line is shown ------------------------------------------------------------

def test_malformed_line_is_shown_whole_with_its_own_mark() -> None:
    line = "chek: cloud_yoy >= 20 and a good deal of text after it to force wrapping"
    check = parse_line(12, line)
    assert check is not None
    rendered = check_line(evaluate(check, VALUES), 30)
    rows = rendered.plain.split("\n")
    assert len(rows) > 3
    assert all(Text(row).cell_len <= 30 for row in rows)
    assert "…" not in rendered.plain
    assert rows[0].startswith("! line 12: ")
    assert all(row.startswith("  ") for row in rows[1:])  # hanging under the mark
    words = " ".join(row[2:] for row in rows).split()
    assert words == f"line 12: {line} {check.error}".split()
    assert rendered.get_style_at_offset(Console(), 0).color.name == C.warn.lower()


def test_no_data_keeps_the_question_mark() -> None:
    check = parse_line(1, "check: eps_surprise > 0")
    assert check is not None
    rendered = check_line(evaluate(check, VALUES), 40)
    assert rendered.plain.startswith("? eps_surprise > 0")
    assert rendered.plain.endswith("n/a")
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
