"""`aiwatch export` rows: each figure with its currency, basis, provenance, as-of and source;
CSV and JSON round-trip to the same values; the check report's verdicts."""

from __future__ import annotations

import json

import pytest
from bundled import bundled_summaries
from msgspec.structs import replace

from aiwatch.export import (
    FigureRow,
    check_report,
    figure_rows,
    from_csv,
    to_csv,
    to_json,
    to_markdown,
)
from aiwatch.summary import TickerSummary

TICKERS = ("BABA", "AMZN", "MSFT", "GOOGL")


@pytest.fixture(scope="module")
def summaries() -> dict[str, TickerSummary]:
    return bundled_summaries()


def by_figure(rows: list[FigureRow]) -> dict[str, FigureRow]:
    return {r.figure: r for r in rows}


def test_each_figure_carries_its_context(summaries: dict[str, TickerSummary]) -> None:
    rows = by_figure(figure_rows(summaries["AMZN"]))
    assert rows["price"] == FigureRow("AMZN", "price", 256.29, "USD", "last price", "snapshot",
                                      rows["price"].as_of)
    assert rows["price"].as_of.startswith("2026-10-06")
    eps = rows["eps"]
    assert (eps.value, eps.currency, eps.basis, eps.provenance, eps.as_of) == (
        2.78, "USD", "2026Q1 · GAAP diluted", "snapshot", "2026-04-29")
    assert rows["eps_surprise"].value == pytest.approx((2.78 / 1.65 - 1) * 100)
    assert rows["eps_surprise"].provenance == "computed"
    assert rows["net_income_yoy"].provenance == "computed"  # the source states none
    assert rows["revenue_yoy"].provenance == "snapshot"  # stated: +16.6%
    assert (rows["cloud_yoy"].value, rows["cloud_yoy"].basis) == (28.0, "AWS 2026Q1")
    share = rows["cloud_share"]
    assert (share.value, share.basis) == (28.0, "Synergy Research Group global 2026Q1")
    assert share.source.startswith("https://recatools.com/")
    assert rows["check: cloud_yoy >= 17"].value == "pass"
    assert rows["check: cloud_yoy >= 17"].basis == "actual 28.0"


def test_baba_amounts_and_eps_in_their_own_currencies(
        summaries: dict[str, TickerSummary]) -> None:
    rows = by_figure(figure_rows(summaries["BABA"]))
    assert (rows["revenue"].value, rows["revenue"].currency) == (243.38e9, "CNY")
    assert rows["eps"].currency == "USD" and rows["eps"].value is None  # not yet in data
    assert rows["china_share"].basis.startswith("Omdia china")


def test_csv_round_trips_to_the_same_values(summaries: dict[str, TickerSummary]) -> None:
    rows = [r for t in TICKERS for r in figure_rows(summaries[t])]
    back = from_csv(to_csv(rows))
    assert len(back) == len(rows)
    for before, after in zip(rows, back, strict=True):
        value = float(before.value) if isinstance(before.value, int | float) else before.value
        assert replace(before, value=value) == after


def test_json_holds_the_same_rows(summaries: dict[str, TickerSummary]) -> None:
    rows = figure_rows(summaries["MSFT"])
    assert [FigureRow(**r) for r in json.loads(to_json(rows))] == rows


def test_markdown_is_a_page_per_symbol(summaries: dict[str, TickerSummary]) -> None:
    page = to_markdown([summaries["AMZN"], summaries["GOOGL"]], "2026-11-25")
    assert page.startswith("# aiwatch report · 2026-11-25\n")
    assert "## AMZN · Amazon.com" in page and "## GOOGL · Alphabet" in page
    assert "| eps | 2.78 USD | 2026Q1 · GAAP diluted | snapshot | 2026-04-29 |" in page
    assert "| cloud_yoy | 28.00% | AWS 2026Q1 | snapshot | 2026-03-31 |" in page
    assert "- ✔ `cloud_yoy >= 17` actual 28.0" in page


def test_check_report_fails_on_a_failing_or_unreadable_check(
        summaries: dict[str, TickerSummary]) -> None:
    ordered = [summaries[t] for t in TICKERS]
    lines, failed = check_report(ordered)
    assert not failed
    assert lines[0].split() == ["✔", "BABA", "cloud_yoy", ">=", "20", "actual", "38.0"]
    assert any(line.startswith("? BABA") and "eps_surprise > 0" in line for line in lines)
    msft = summaries["MSFT"]
    failing = replace(msft, checks=(replace(msft.checks[0], passed=False), *msft.checks[1:]))
    lines, failed = check_report([failing])
    assert failed and lines[0].startswith("✘ MSFT")
