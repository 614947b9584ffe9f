"""What changed for the thesis after a refresh: checks that flipped (✔ → ✘ or back) and
`alert:` lines that turned true (fired) or false again.

Only a change between two known verdicts counts: a check going to or from "no data" is not
news, and the first summaries of a session (nothing to compare with) flip nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from msgspec import Struct

from aiwatch.checks import shown_value
from aiwatch.model import CheckResult
from aiwatch.summary import TickerSummary

MARKS = {True: "✔", False: "✘", None: "?"}


class Flip(Struct, frozen=True):
    ticker: str
    kind: str  # "check" | "alert"
    text: str  # the line's expression: "cloud_yoy >= 20"
    old: bool
    new: bool
    value: str  # the actual value, at the precision it was compared at
    when: datetime

    @property
    def fired(self) -> bool:
        """An alert turned true: the one kind of flip worth a desktop notice on its own."""
        return self.kind == "alert" and self.new

    @property
    def message(self) -> str:
        if self.kind == "alert":
            state = "alert" if self.new else "alert cleared"
            return f"{self.ticker} {state}: {self.text} (now {self.value})"
        return f"{self.ticker} check {MARKS[self.old]} → {MARKS[self.new]}: {self.text} " \
               f"(now {self.value})"


def _results(summary: TickerSummary) -> dict[tuple[str, str], CheckResult]:
    return {(r.check.kind, r.check.text): r for r in (*summary.checks, *summary.alerts)
            if not r.check.error}


def flips(before: Mapping[str, TickerSummary], after: Mapping[str, TickerSummary],
          when: datetime) -> list[Flip]:
    """Every check and alert whose verdict changed from one known value to the other."""
    found = []
    for ticker, summary in after.items():
        previous = before.get(ticker)
        if previous is None:
            continue
        old_results = _results(previous)
        for key, result in _results(summary).items():
            old = old_results.get(key)
            if old is None or old.passed is None or result.passed is None \
                    or old.passed == result.passed:
                continue
            value = shown_value(result.check, result.actual) if result.actual is not None \
                else "n/a"
            found.append(Flip(ticker, key[0], key[1], old.passed, result.passed, value, when))
    return found
