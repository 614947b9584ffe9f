"""Thesis checks: `check: cloud_yoy >= 20` lines in a note, parsed without eval and judged
against the numbers on screen; `alert: price < 150` lines, in the same grammar, notify when
they turn true (alerts.py).

A bad line becomes a check with an `error` (and its line number); it never stops the others.
A line that misspells the prefix (`chek:`, `check price < 9`) becomes one too, with a hint,
rather than being silently taken for prose. The actual value is shown at the precision it is
compared at (`shown_value`).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping

from msgspec.structs import replace

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

MAX_LINE = 500  # longer lines are not read as checks: a check is one short statement
MAX_PLACES = 6
_MIN_PLACES = {"price": 2, "eps": 2}  # money in cents; every other metric is % or points: 1

# The line's first word (after a list bullet) and the rest; `check` is judged in code, so a
# near miss such as `chek:` can be told apart from prose. Every pattern here is linear.
_HEAD = re.compile(r"(?:[-*+]\s+|\d{1,3}[.)]\s+)?(?P<word>[A-Za-z]{1,12})\b(?P<rest>.*)",
                   re.DOTALL)
_BODY = re.compile(
    r"(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op><=|>=|==|!=|<|>)\s*"
    r"(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<pct>%?)"
)
_METRIC_LIKE = r"[A-Za-z_]\w*\s*[<>=!]"  # for hints only: compiled on first use
_SEPARATORS = " \t-–—=;."
_ABBREVIATIONS = {"chk"}


def parse_line(line_no: int, line: str) -> ThesisCheck | None:
    """The check on this line (with its error if malformed, or a hint if the line misspells
    `check:`); None if the line is not a check at all."""
    text = line.strip()
    head = _HEAD.match(text[:MAX_LINE])
    if head is None:
        return None
    word, after = head.group("word").lower(), head.group("rest").lstrip()
    if word == "check" and after.startswith(":"):
        if len(text) > MAX_LINE:
            return ThesisCheck(line_no, _shorten(text), error=(
                f"line too long ({len(text):,} characters; a check is read up to {MAX_LINE})"))
        return _parse_body(line_no, text, after[1:].strip())
    hint = _near_miss(word, after)
    return None if hint is None else ThesisCheck(line_no, _shorten(text), error=hint)


def parse_alert(line_no: int, line: str) -> ThesisCheck | None:
    """The alert on this line (`alert: price < 150`, same grammar as a check), else None."""
    text = line.strip()
    head = _HEAD.match(text[:MAX_LINE])
    if head is None or head.group("word").lower() != "alert":
        return None
    after = head.group("rest").lstrip()
    if not after.startswith(":") or len(text) > MAX_LINE:
        return None
    return replace(_parse_body(line_no, text, after[1:].strip()), kind="alert")


def _parse_body(line_no: int, text: str, body: str) -> ThesisCheck:
    found = _BODY.fullmatch(body)
    if found is None:
        return ThesisCheck(line_no, text, error=_explain(body))
    metric = found.group("metric").lower()
    if metric not in METRICS:
        return ThesisCheck(line_no, text, metric=metric, error=f"unknown metric '{metric}'")
    number = found.group("number")
    return ThesisCheck(line_no, body, metric, found.group("op"), float(number),
                       places=len(number.partition(".")[2]))


def _near_miss(word: str, after: str) -> str | None:
    """A hint for a line meant as a check: `chek: x`, or `check - price < 9` (no colon);
    None for prose, such as `Check the numbers weekly`."""
    colon = after.startswith(":")
    body = after[1:].strip() if colon else after.lstrip(_SEPARATORS)
    misspelt = word in _ABBREVIATIONS or _one_edit(word, "check")
    if not body or not (misspelt or word == "check"):
        return None
    if (colon and misspelt) or re.match(_METRIC_LIKE, body):
        return f"not read as a check: did you mean 'check: {body}'?"
    return None


def _one_edit(word: str, target: str) -> bool:
    """One letter added, dropped or changed, or two neighbours swapped: chek, checks, chekc."""
    if word == target or abs(len(word) - len(target)) > 1:
        return False
    if len(word) != len(target):
        short, long = sorted((word, target), key=len)
        return any(long[:i] + long[i + 1:] == short for i in range(len(long)))
    diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
    if len(diff) == 1:
        return True
    return (len(diff) == 2 and diff[1] == diff[0] + 1
            and word[diff[0]] == target[diff[1]] and word[diff[1]] == target[diff[0]])


def _shorten(text: str) -> str:
    """A line too long to be a check is named by its start."""
    return text if len(text) <= MAX_LINE else text[:80].rstrip() + "…"


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


def parse_alerts(text: str) -> tuple[ThesisCheck, ...]:
    """Every `alert:` line of a note, in order, with 1-based line numbers."""
    alerts = (parse_alert(n, line) for n, line in enumerate(text.splitlines(), start=1))
    return tuple(a for a in alerts if a is not None)


def evaluate(check: ThesisCheck, values: Mapping[str, float | None]) -> CheckResult:
    """Pass, fail or no data (None) for one check against the ticker's current figures."""
    if check.error:
        return CheckResult(check, None, None)
    actual = values.get(check.metric)
    if actual is None:
        return CheckResult(check, None, None)
    return CheckResult(check, actual, OPERATORS[check.op](actual, check.threshold))


def shown_value(check: ThesisCheck, actual: float) -> str:
    """The actual value at the precision it is compared at: at least the threshold's decimals
    (and 2 for money, 1 for the rest), and more when fewer would read as the other verdict:
    67.04 against `<= 67` shows 67.04, since 67.0 would pass; 5.104 against `>= 5.11`, 5.10."""
    compare = OPERATORS[check.op]
    verdict = compare(actual, check.threshold)
    start = max(check.places, _MIN_PLACES.get(check.metric, 1))
    for places in range(start, max(start, MAX_PLACES) + 1):
        shown = f"{actual:,.{places}f}"
        if compare(float(shown.replace(",", "")), check.threshold) is verdict:
            return shown
    return f"{actual:,}"  # the shortest text that reads back as the very value
