"""The merge rules of feed.py, on hand-built objects whose live, cached and snapshot values all
differ, so a dropped rule changes an asserted value.

Rules: per part, live > cached > snapshot, and a lower-ranked part never replaces a higher one;
an older quote does not sit on newer closes; earnings merge quarter by quarter (Yahoo's figures
win where it has them, the snapshot keeps the rest); next_earnings survives an answer without
one; a refreshed ticker's old error is cleared (now in the app: tests/test_live_app.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aiwatch.feed import base_views, merge, merge_quarters
from aiwatch.model import (
    Company,
    EarningsQuarter,
    Fundamentals,
    NextEarnings,
    Origin,
    PriceHistory,
    Provenance,
    Quote,
    TickerView,
)
from aiwatch.sources.snapshot import load_snapshot

SNAPSHOT = Origin(Provenance.SNAPSHOT, datetime(2026, 10, 6, 20, 0, tzinfo=UTC))
CACHED = Origin(Provenance.CACHED, datetime(2026, 11, 24, 21, 0, tzinfo=UTC))
LIVE = Origin(Provenance.LIVE, datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
ORIGINS = {"snapshot": SNAPSHOT, "cached": CACHED, "live": LIVE}
CLOSE = {"snapshot": 256.29, "cached": 231.10, "live": 229.67}  # last close by source

Q1, Q2, Q3, Q4 = (date(2026, 3, 31), date(2025, 12, 31), date(2025, 9, 30), date(2026, 6, 30))


def history(source: str) -> PriceHistory:
    return PriceHistory("AMZN", (date(2026, 10, 5), date(2026, 10, 6)),
                        (251.40, CLOSE[source]), ORIGINS[source])


def quote(source: str) -> Quote:
    price = {"snapshot": 256.29, "cached": 232.50, "live": 228.81}[source]
    origin = ORIGINS[source]
    return Quote("AMZN", price, 251.40, "USD", origin.as_of, origin)


def snapshot_quarters() -> tuple[EarningsQuarter, ...]:
    """What the bundled data says: stated YoY rates and capex Yahoo does not carry."""
    return (
        EarningsQuarter(ticker="AMZN", quarter_end=Q1, report_date=date(2026, 4, 29),
                        eps_estimate=1.65, eps_reported=2.78, eps_basis="GAAP diluted",
                        revenue=181.5e9, revenue_yoy_pct=16.6, net_income=30.3e9,
                        capex=44.2e9, source_url="https://example.org/amzn-2026q1"),
        EarningsQuarter(ticker="AMZN", quarter_end=Q2, report_date=date(2026, 2, 5),
                        eps_estimate=1.96, eps_reported=1.95, revenue=213.4e9,
                        revenue_yoy_pct=13.6, net_income=21.2e9, capex=39.52e9),
        EarningsQuarter(ticker="AMZN", quarter_end=Q3, report_date=date(2025, 10, 30),
                        eps_estimate=1.57, eps_reported=1.95, revenue=180.17e9,
                        net_income_yoy_pct=38.2, capex=35.10e9),
    )


def yahoo_quarters() -> tuple[EarningsQuarter, ...]:
    """Yahoo's answer: other figures for Q1, a gap (no revenue) in Q2, a new Q4, no Q3."""
    return (
        EarningsQuarter(ticker="AMZN", quarter_end=Q4, report_date=date(2026, 7, 30),
                        eps_estimate=1.33, eps_reported=1.41, revenue=190.2e9,
                        net_income=19.9e9),
        EarningsQuarter(ticker="AMZN", quarter_end=Q1, report_date=date(2026, 4, 30),
                        eps_estimate=1.61, eps_reported=2.80, revenue=181.6e9,
                        net_income=30.1e9),
        EarningsQuarter(ticker="AMZN", quarter_end=Q2, eps_estimate=1.94, eps_reported=1.86),
    )


NEXT_SNAPSHOT = NextEarnings("AMZN", date(2027, 2, 4), confirmed=False)
NEXT_LIVE = NextEarnings("AMZN", date(2027, 2, 5), confirmed=True)


def fundamentals(source: str, next_earnings: NextEarnings | None = None) -> Fundamentals:
    quarters = snapshot_quarters() if source == "snapshot" else yahoo_quarters()
    return Fundamentals("AMZN", quarters, ORIGINS[source], next_earnings)


def view(source: str | None = "snapshot", **kwargs: object) -> TickerView:
    """A card whose parts all came from `source` (None: a card with nothing yet)."""
    parts: dict[str, object] = {}
    if source:
        parts = {"history": history(source), "quote": quote(source),
                 "fundamentals": fundamentals(source, NEXT_SNAPSHOT)}
    parts.update(kwargs)
    return TickerView(company=Company("AMZN", "Amazon"), **parts)  # type: ignore[arg-type]


# --- precedence per part -------------------------------------------------------------------

UPGRADES = [("snapshot", "cached"), ("snapshot", "live"), ("cached", "live"),
            ("cached", "cached"), ("live", "live")]  # same rank: the newer answer wins
DOWNGRADES = [("cached", "snapshot"), ("live", "snapshot"), ("live", "cached")]


@pytest.mark.parametrize(("old", "new"), UPGRADES)
def test_history_from_an_equal_or_higher_source_replaces(old: str, new: str) -> None:
    fresh = history(new)
    if old == new:  # a second answer from the same source, with another close
        fresh = PriceHistory("AMZN", fresh.dates, (251.40, 240.00), fresh.origin)
    merged = merge(view(old), history=fresh)
    assert merged.history == fresh


@pytest.mark.parametrize(("old", "new"), DOWNGRADES)
def test_history_from_a_lower_source_never_replaces(old: str, new: str) -> None:
    merged = merge(view(old), history=history(new))
    assert merged.history is not None and merged.history.closes[-1] == CLOSE[old]
    assert merged.history.origin.kind is ORIGINS[old].kind


@pytest.mark.parametrize(("old", "new"), UPGRADES)
def test_quote_from_an_equal_or_higher_source_replaces(old: str, new: str) -> None:
    fresh = quote(new)
    if old == new:
        fresh = Quote("AMZN", 240.00, 251.40, "USD", fresh.as_of, fresh.origin)
    assert merge(view(old), quote=fresh).quote == fresh


@pytest.mark.parametrize(("old", "new"), DOWNGRADES)
def test_quote_from_a_lower_source_never_replaces(old: str, new: str) -> None:
    assert merge(view(old), quote=quote(new)).quote == quote(old)


@pytest.mark.parametrize(("old", "new"), DOWNGRADES)
def test_fundamentals_from_a_lower_source_never_replace(old: str, new: str) -> None:
    before = view(old)
    assert merge(before, fundamentals=fundamentals(new)).fundamentals == before.fundamentals


def test_parts_into_an_empty_card_are_taken_as_they_are() -> None:
    merged = merge(view(None), history=history("cached"), quote=quote("cached"),
                   fundamentals=fundamentals("cached"))
    assert merged.history == history("cached") and merged.quote == quote("cached")
    assert merged.fundamentals == fundamentals("cached")


def test_a_history_without_closes_never_blanks_the_card() -> None:
    empty = PriceHistory("AMZN", (), (), LIVE)
    merged = merge(view("cached"), history=empty)
    assert merged.history == history("cached")
    assert merged.quote == quote("cached")  # and the quote stays with the closes it belongs to


def test_nothing_new_returns_the_same_view() -> None:
    before = view("cached")
    assert merge(before) is before


# --- the quote follows the closes ----------------------------------------------------------

@pytest.mark.parametrize("old", ["snapshot", "cached"])
def test_an_older_quote_does_not_sit_on_newer_closes(old: str) -> None:
    merged = merge(view(old), history=history("live"))
    assert merged.history == history("live")
    assert merged.quote is None  # the card falls back to the live closes, not the old price


def test_a_quote_of_the_same_rank_as_the_new_closes_stays() -> None:
    merged = merge(view("cached"), history=history("cached"))
    assert merged.quote == quote("cached")


def test_a_live_quote_arriving_with_live_closes_is_kept() -> None:
    merged = merge(view("cached"), history=history("live"), quote=quote("live"))
    assert merged.quote == quote("live")
    assert merged.quote is not None and merged.quote.price == 228.81


# --- earnings, quarter by quarter ----------------------------------------------------------

def quarter(quarters: tuple[EarningsQuarter, ...], end: date) -> EarningsQuarter:
    return next(q for q in quarters if q.quarter_end == end)


@pytest.fixture
def merged_quarters() -> tuple[EarningsQuarter, ...]:
    merged = merge(view("snapshot"), fundamentals=fundamentals("live")).fundamentals
    assert merged is not None
    return merged.quarters


@pytest.mark.parametrize(("field", "expected"), [
    ("report_date", date(2026, 4, 30)),
    ("eps_estimate", 1.61),
    ("eps_reported", 2.80),
    ("revenue", 181.6e9),
    ("net_income", 30.1e9),
])
def test_yahoo_figures_win_for_a_quarter_it_reports(
        merged_quarters: tuple[EarningsQuarter, ...], field: str, expected: object) -> None:
    assert getattr(quarter(merged_quarters, Q1), field) == expected


def test_the_snapshot_keeps_what_yahoo_lacks(merged_quarters: tuple[EarningsQuarter, ...]) -> None:
    q1 = quarter(merged_quarters, Q1)
    assert (q1.capex, q1.revenue_yoy_pct) == (44.2e9, 16.6)
    assert q1.eps_basis == ""  # the EPS is Yahoo's now, and so is its (unstated) basis
    q2 = quarter(merged_quarters, Q2)
    assert (q2.eps_estimate, q2.eps_reported) == (1.94, 1.86)  # Yahoo's
    assert (q2.revenue, q2.report_date, q2.capex) == (213.4e9, date(2026, 2, 5), 39.52e9)


def test_older_quarters_stay_and_new_ones_join_newest_first(
        merged_quarters: tuple[EarningsQuarter, ...]) -> None:
    assert [q.quarter_end for q in merged_quarters] == [Q4, Q1, Q2, Q3]
    assert quarter(merged_quarters, Q3) == snapshot_quarters()[2]  # Yahoo had no Q3
    assert quarter(merged_quarters, Q4) == yahoo_quarters()[0]  # the snapshot had no Q4


def test_merge_quarters_directly_lets_the_newer_win() -> None:
    merged = merge_quarters(snapshot_quarters(), yahoo_quarters())
    assert quarter(merged, Q1).eps_reported == 2.80
    assert quarter(merged, Q1).net_income_yoy_pct is None  # not invented from either side
    assert quarter(merged, Q3).net_income_yoy_pct == 38.2


def test_live_earnings_over_cached_merge_the_same_way() -> None:
    cached = Fundamentals("AMZN", snapshot_quarters(), CACHED)
    merged = merge(view("cached", fundamentals=cached), fundamentals=fundamentals("live"))
    assert merged.fundamentals is not None and merged.fundamentals.origin == LIVE
    q1 = quarter(merged.fundamentals.quarters, Q1)
    assert (q1.eps_reported, q1.capex) == (2.80, 44.2e9)


# --- the next report date ------------------------------------------------------------------

def test_next_earnings_is_kept_when_the_new_answer_has_none() -> None:
    merged = merge(view("snapshot"), fundamentals=fundamentals("live", next_earnings=None))
    assert merged.fundamentals is not None
    assert merged.fundamentals.next_earnings == NEXT_SNAPSHOT


def test_a_new_next_earnings_date_replaces_the_old() -> None:
    merged = merge(view("snapshot"), fundamentals=fundamentals("live", NEXT_LIVE))
    assert merged.fundamentals is not None
    assert merged.fundamentals.next_earnings == NEXT_LIVE


# --- errors on the cards -------------------------------------------------------------------

# --- the base --------------------------------------------------------------------------------

def test_base_views_come_from_the_snapshot_and_unknown_tickers_get_empty_cards() -> None:
    views = base_views(load_snapshot(), ["AMZN", "NVDA"])
    amzn = views["AMZN"]
    assert amzn.history is not None and amzn.history.origin.kind is Provenance.SNAPSHOT
    assert amzn.history.closes[-1] == 256.29
    assert amzn.quote is None and amzn.cloud and amzn.cloud[0].segment == "AWS"
    assert views["NVDA"] == TickerView(company=Company("NVDA", "NVDA"))


# --- EPS moves as one unit; amounts change currency whole ------------------------------------

BABA_SNAPSHOT = EarningsQuarter(
    ticker="BABA", quarter_end=date(2024, 12, 31), report_date=date(2025, 2, 20),
    eps_reported=2.93, eps_basis="adjusted (non-GAAP) diluted per ADS (USD)", eps_currency="USD",
    revenue=280.154e9, revenue_yoy_pct=8, net_income=46.4e9, net_income_yoy_pct=333,
    capex=31.7e9, currency="CNY")


def test_yahoos_eps_replaces_the_snapshots_with_its_own_currency_and_basis() -> None:
    """Yahoo's RMB estimate must never be set beside the snapshot's USD result."""
    yahoo = EarningsQuarter(ticker="BABA", quarter_end=date(2024, 12, 31), eps_estimate=19.37573,
                            eps_reported=21.39, eps_currency="CNY",
                            eps_basis="as Yahoo reports it", currency="CNY")
    (merged,) = merge_quarters([BABA_SNAPSHOT], [yahoo])
    assert (merged.eps_estimate, merged.eps_reported) == (19.37573, 21.39)
    assert (merged.eps_currency, merged.eps_basis) == ("CNY", "as Yahoo reports it")
    assert (merged.revenue, merged.revenue_yoy_pct) == (280.154e9, 8)  # same currency: kept


def test_an_estimate_alone_does_not_pair_with_the_snapshots_result() -> None:
    yahoo = EarningsQuarter(ticker="BABA", quarter_end=date(2024, 12, 31), eps_estimate=19.4,
                            eps_currency="CNY", currency="CNY")
    (merged,) = merge_quarters([BABA_SNAPSHOT], [yahoo])
    assert (merged.eps_estimate, merged.eps_reported, merged.eps_currency) == (19.4, None, "CNY")


def test_no_eps_from_yahoo_keeps_the_snapshots() -> None:
    yahoo = EarningsQuarter(ticker="BABA", quarter_end=date(2024, 12, 31), revenue=280.2e9,
                            currency="CNY")
    (merged,) = merge_quarters([BABA_SNAPSHOT], [yahoo])
    assert (merged.eps_reported, merged.eps_currency) == (2.93, "USD")
    assert merged.revenue == 280.2e9


def test_amounts_in_another_currency_drop_the_old_rates_and_amounts() -> None:
    """A stated YoY, capex or net income in RMB cannot stand beside revenue in USD."""
    yahoo = EarningsQuarter(ticker="BABA", quarter_end=date(2024, 12, 31), revenue=38.4e9,
                            currency="USD")
    (merged,) = merge_quarters([BABA_SNAPSHOT], [yahoo])
    assert (merged.currency, merged.revenue) == ("USD", 38.4e9)
    assert (merged.revenue_yoy_pct, merged.net_income, merged.net_income_yoy_pct,
            merged.capex) == (None, None, None, None)
