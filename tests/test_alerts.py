"""Check flips and `alert:` lines after a refresh, the journal they are written to, and the
desktop notice sequence per terminal."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from bundled import bundled_summaries
from msgspec.structs import replace

from aiwatch.alerts import Flip, flips
from aiwatch.checks import parse_alerts, parse_checks
from aiwatch.desktop import notice_sequence
from aiwatch.store.journal import Journal
from aiwatch.summary import TickerSummary, summarise, thesis_prose

WHEN = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def summaries() -> dict[str, TickerSummary]:
    return bundled_summaries()


def test_alert_lines_parse_like_checks_and_stay_apart() -> None:
    note = "Thesis.\ncheck: cloud_yoy >= 20\nalert: price < 150\n- alert: change_pct <= -5%\n"
    alerts = parse_alerts(note)
    assert [(a.kind, a.metric, a.op, a.threshold) for a in alerts] == [
        ("alert", "price", "<", 150.0), ("alert", "change_pct", "<=", -5.0)]
    assert [c.text for c in parse_checks(note)] == ["cloud_yoy >= 20"]
    assert thesis_prose(note) == ("Thesis.",)
    assert parse_alerts("alert: nonsense")[0].error  # malformed: shown, never judged


def test_a_summary_judges_its_alerts(summaries: dict[str, TickerSummary]) -> None:
    amzn = summaries["AMZN"]
    summary = summarise(amzn.view, amzn.shares, "alert: price < 300\nalert: price < 100\n",
                        WHEN)
    assert [r.passed for r in summary.alerts] == [True, False]  # price 256.29
    assert summary.checks == ()


def _with_price(summary: TickerSummary, price: float, note: str) -> TickerSummary:
    quote = replace(summary.view.quote or summary.figures.quote, price=price)
    return summarise(replace(summary.view, quote=quote), summary.shares, note, WHEN)


def test_a_check_that_passes_then_fails_is_a_flip(summaries: dict[str, TickerSummary]) -> None:
    note = "check: price >= 250\nalert: price < 250\ncheck: eps_surprise > 1000\n"
    before = {"AMZN": _with_price(summaries["AMZN"], 256.29, note)}
    after = {"AMZN": _with_price(summaries["AMZN"], 241.5, note)}
    found = flips(before, after, WHEN)
    assert found == [
        Flip("AMZN", "check", "price >= 250", True, False, "241.50", WHEN),
        Flip("AMZN", "alert", "price < 250", False, True, "241.50", WHEN),
    ]  # eps_surprise > 1000 failed both times: no flip
    assert found[1].fired and not found[0].fired
    assert found[0].message == "AMZN check ✔ → ✘: price >= 250 (now 241.50)"
    assert found[1].message == "AMZN alert: price < 250 (now 241.50)"
    assert flips(after, after, WHEN) == []
    assert flips({}, after, WHEN) == []  # nothing to compare with: no news


def test_no_data_is_not_a_flip(summaries: dict[str, TickerSummary]) -> None:
    baba = summaries["BABA"]  # eps_surprise is n/a for BABA's newest quarter
    note = "check: eps_surprise > 0\n"
    before = {"BABA": summarise(baba.view, baba.shares, note, WHEN)}
    assert before["BABA"].checks[0].passed is None
    assert flips(before, before, WHEN) == []


def test_the_journal_appends_dated_lines_and_reads_them_per_symbol(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "notes" / "journal.md")
    assert journal.lines_for("AMZN") == []
    journal.append([Flip("AMZN", "check", "price >= 250", True, False, "241.50", WHEN)])
    journal.append([Flip("MSFT", "alert", "price < 400", False, True, "399.10", WHEN),
                    Flip("AMZN", "alert", "price < 250", False, True, "241.50", WHEN)])
    text = (tmp_path / "notes" / "journal.md").read_text()
    assert text.startswith("# aiwatch journal\n") and text.count("# aiwatch journal") == 1
    assert "- 2026-11-25 14:30 UTC · AMZN · check · price >= 250 · ✔ → ✘ · 241.50\n" in text
    assert journal.lines_for("AMZN") == [
        "2026-11-25 14:30 UTC · AMZN · check · price >= 250 · ✔ → ✘ · 241.50",
        "2026-11-25 14:30 UTC · AMZN · alert · price < 250 · ✘ → ✔ · 241.50",
    ]
    assert len(journal.lines_for("MSFT")) == 1


def test_a_hostile_symbol_cannot_write_escapes_into_the_journal(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.md")
    journal.append([Flip("X\x1b]0;pwn\x07", "check", "price > 1", True, False, "0.50", WHEN)])
    assert "\x1b" not in (tmp_path / "journal.md").read_text()


@pytest.mark.parametrize(("env", "expected"), [
    ({"TERM_PROGRAM": "iTerm.app"}, "\x1b]9;aiwatch: MSFT alert, price < 400\x07"),
    ({"TERM": "xterm-kitty"}, "\x1b]9;aiwatch: MSFT alert, price < 400\x07"),
    ({"TERM": "foot"}, "\x1b]777;notify;aiwatch;MSFT alert, price < 400\x07"),
    ({"VTE_VERSION": "7600", "TERM": "xterm-256color"},
     "\x1b]777;notify;aiwatch;MSFT alert, price < 400\x07"),
    ({"TERM": "xterm-256color"}, ""),  # unknown: the bell only
    ({"TERM": "screen"}, ""),
])
def test_the_desktop_notice_fits_the_terminal(env: dict[str, str], expected: str) -> None:
    assert notice_sequence("aiwatch", "MSFT alert; price < 400", env) == expected


def test_a_notice_carries_no_control_character() -> None:
    sequence = notice_sequence("aiwatch", "X\x07\x1b]52;c;AAAA", {"TERM": "foot"})
    assert sequence.count("\x1b") == 1 and sequence.count("\x07") == 1
