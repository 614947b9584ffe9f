"""Thesis checks: `check: cloud_yoy >= 20` lines in a note, parsed without eval and judged
against the numbers on screen.

A bad line becomes a check with an `error` (and its line number); it never stops the others.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping

from aiwatch.model import CheckResult, ThesisCheck

METRICS: dict[str, str] = {
    "price": "last price",
    "change_pct": "day change, %",
    "eps_surprise": "EPS surprise of the latest quarter, %",
    "eps": "reported EPS of the latest quarter",
    "revenue_yoy": "revenue growth year on year, %",
    "net_income_yoy": "net income growth year on year, %",
    "cloud_yoy": "cloud-segment revenue growth year on year, %",
    "cloud_share": "global cloud market share (Synergy), %",
    "cloud_share_change": "change in global share against a year earlier, points",
    "china_share": "share of China's cloud market (Alibaba only), %",
    "range_pos": "where the price sits in its 52-week range, 0-100 %",
}

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}

_CHECK_LINE = re.compile(r"^\s*(?:[-*]\s+)?check\s*:(?P<body>.*)$", re.IGNORECASE)
_BODY = re.compile(
    r"^\s*(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op><=|>=|==|!=|<|>)\s*"
    r"(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<pct>%?)\s*$"
)


def parse_line(line_no: int, line: str) -> ThesisCheck | None:
    """The check on this line, None if the line is not a check at all."""
    head = _CHECK_LINE.match(line)
    if head is None:
        return None
    body = head.group("body").strip()
    text = body or line.strip()
    found = _BODY.match(body)
    if found is None:
        return ThesisCheck(line_no, text, error=_explain(body))
    metric = found.group("metric").lower()
    if metric not in METRICS:
        return ThesisCheck(line_no, text, metric=metric, error=f"unknown metric '{metric}'")
    return ThesisCheck(line_no, text, metric, found.group("op"), float(found.group("number")))


def _explain(body: str) -> str:
    if not body:
        return "empty check"
    if not re.search(r"<=|>=|==|!=|<|>", body):
        return "no comparison (use < <= > >= == !=)"
    return "expected: metric operator number, e.g. cloud_yoy >= 20"


def parse_checks(text: str) -> tuple[ThesisCheck, ...]:
    """Every `check:` line of a note, in order, with 1-based line numbers."""
    checks = (parse_line(n, line) for n, line in enumerate(text.splitlines(), start=1))
    return tuple(c for c in checks if c is not None)


def evaluate(check: ThesisCheck, values: Mapping[str, float | None]) -> CheckResult:
    """Pass, fail or no data (None) for one check against the ticker's current figures."""
    if check.error:
        return CheckResult(check, None, None)
    actual = values.get(check.metric)
    if actual is None:
        return CheckResult(check, None, None)
    return CheckResult(check, actual, OPERATORS[check.op](actual, check.threshold))
