"""Every delta and growth figure, checked by hand against the bundled data."""

from __future__ import annotations

from datetime import date

import pytest

from aiwatch import metrics as m
from aiwatch.sources.snapshot import Snapshot, load_snapshot


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    return load_snapshot()


def quarter(snap: Snapshot, ticker: str, end: str):  # noqa: ANN201
    return next(q for q in snap.fundamentals[ticker].quarters
                if q.quarter_end == date.fromisoformat(end))


def test_pct_change_handles_missing_and_zero() -> None:
    assert m.pct_change(110, 100) == pytest.approx(10.0)
    assert m.pct_change(90, -100) == pytest.approx(190.0)  # from a loss: sign of the move
    assert m.pct_change(None, 100) is None
    assert m.pct_change(100, None) is None
    assert m.pct_change(100, 0) is None


@pytest.mark.parametrize(("ticker", "end", "expected"), [
    ("AMZN", "2026-03-31", 68.4848),   # 2.78 vs 1.65
    ("MSFT", "2026-03-31", 5.6931),    # 4.27 vs 4.04
    ("GOOGL", "2026-03-31", 95.0382),  # 5.11 vs 2.62
    ("BABA", "2025-09-30", -24.6914),  # 0.61 vs 0.81: a miss
    ("AMZN", "2025-12-31", -0.5102),   # 1.95 vs 1.96
])
def test_eps_surprise(snap: Snapshot, ticker: str, end: str, expected: float) -> None:
    q = quarter(snap, ticker, end)
    assert m.surprise_pct(q.eps_estimate, q.eps_reported) == pytest.approx(expected, abs=1e-3)


def test_eps_surprise_is_na_without_an_estimate(snap: Snapshot) -> None:
    q = quarter(snap, "BABA", "2025-03-31")  # reported 1.73, no estimate found
    assert q.eps_reported == 1.73
    assert m.surprise_pct(q.eps_estimate, q.eps_reported) is None


def test_revenue_yoy_prefers_the_stated_rate(snap: Snapshot) -> None:
    q = quarter(snap, "AMZN", "2026-03-31")
    assert m.revenue_yoy(q, snap.fundamentals["AMZN"].quarters) == m.Growth(16.6, computed=False)


def test_revenue_yoy_computed_when_only_amounts_are_known(snap: Snapshot) -> None:
    q = quarter(snap, "BABA", "2025-12-31")  # RMB 284,843m vs 280,154m a year earlier
    assert q.revenue_yoy_pct is None
    got = m.revenue_yoy(q, snap.fundamentals["BABA"].quarters)
    assert got.computed
    assert got.pct == pytest.approx((284.843 / 280.154 - 1) * 100)
    assert got.pct == pytest.approx(1.6737, abs=1e-3)


def test_net_income_yoy_computed_for_amazon(snap: Snapshot) -> None:
    q = quarter(snap, "AMZN", "2025-12-31")  # 21.2bn vs 20.0bn
    got = m.net_income_yoy(q, snap.fundamentals["AMZN"].quarters)
    assert got.computed and got.pct == pytest.approx(6.0)


def test_yoy_is_na_without_the_prior_year(snap: Snapshot) -> None:
    q = quarter(snap, "AMZN", "2024-06-30")  # NI YoY stated (100) -> stated wins
    assert m.net_income_yoy(q, snap.fundamentals["AMZN"].quarters) == m.Growth(100)
    oldest = quarter(snap, "MSFT", "2024-09-30")  # NI YoY not stated, no 2023 quarter
    assert m.net_income_yoy(oldest, snap.fundamentals["MSFT"].quarters) == m.NO_GROWTH


def test_cloud_yoy_stated_and_computed(snap: Snapshot) -> None:
    aws = m.segment_for(snap.cloud["AMZN"], "AWS")
    assert aws is not None and aws.quarter_end == date(2026, 3, 31)
    assert m.cloud_yoy(aws, snap.cloud["AMZN"]) == m.Growth(28)
    alibaba = m.segment_for(snap.cloud["BABA"], "Cloud Intelligence Group", date(2025, 12, 31))
    assert alibaba is not None and alibaba.revenue is None
    assert m.cloud_yoy(alibaba, snap.cloud["BABA"]) == m.Growth(36)


def test_cloud_yoy_computes_from_amounts() -> None:
    from aiwatch.model import CloudSegment
    now = CloudSegment("X", "C", date(2025, 9, 30), 39.82e9, "CNY", None)
    then = CloudSegment("X", "C", date(2024, 9, 30), 29.610e9, "CNY", 7)
    got = m.cloud_yoy(now, [now, then])
    assert got.computed and got.pct == pytest.approx(34.4816, abs=1e-3)


def test_no_yoy_across_currencies() -> None:
    from aiwatch.model import CloudSegment, EarningsQuarter
    now = CloudSegment("X", "C", date(2025, 9, 30), 39.82e9, "CNY", None)
    then = CloudSegment("X", "C", date(2024, 9, 30), 5.0e9, "USD", None)
    assert m.cloud_yoy(now, [now, then]) == m.NO_GROWTH
    q = EarningsQuarter("X", date(2025, 9, 30), revenue=247.8e9, currency="CNY")
    prior = EarningsQuarter("X", date(2024, 9, 30), revenue=33.7e9, currency="USD")
    assert m.revenue_yoy(q, [q, prior]) == m.NO_GROWTH
    same = EarningsQuarter("X", date(2024, 9, 30), revenue=236.5e9, currency="CNY")
    assert m.revenue_yoy(q, [q, same]).pct == pytest.approx((247.8 / 236.5 - 1) * 100)


def test_day_change_from_the_last_two_closes(snap: Snapshot) -> None:
    quote = m.quote_from_history(snap.histories["BABA"])
    assert quote is not None
    assert (quote.price, quote.previous_close) == (164.32, 166.51)
    change, pct = m.day_change(quote)  # type: ignore[misc]
    assert change == pytest.approx(-2.19)
    assert pct == pytest.approx(-1.31524, abs=1e-4)


def test_range_52w(snap: Snapshot) -> None:
    r = m.range_52w(snap.histories["BABA"])
    assert r is not None
    assert (r.low, r.high) == (99.37, 189.34)
    assert r.position == pytest.approx((164.32 - 99.37) / (189.34 - 99.37))


def test_recent_closes_cover_three_months(snap: Snapshot) -> None:
    closes = m.recent_closes(snap.histories["AMZN"])
    assert 60 <= len(closes) <= 66
    assert closes[-1] == snap.histories["AMZN"].closes[-1]


@pytest.mark.parametrize(("end", "fy_month", "label"), [
    (date(2025, 9, 30), 3, "FQ2 FY26"),   # Alibaba
    (date(2026, 3, 31), 3, "FQ4 FY26"),
    (date(2026, 3, 31), 6, "FQ3 FY26"),   # Microsoft
    (date(2025, 6, 30), 6, "FQ4 FY25"),
    (date(2025, 9, 30), 6, "FQ1 FY26"),
    (date(2025, 12, 31), 12, "FQ4 FY25"),  # calendar year
])
def test_fiscal_label(end: date, fy_month: int, label: str) -> None:
    assert m.fiscal_label(end, fy_month) == label


def test_share_change_against_a_year_earlier_same_firm(snap: Snapshot) -> None:
    aws = m.latest_share(snap.shares, "AWS")
    assert aws is not None and (aws.period, aws.share_pct) == ("2026Q1", 28)
    assert m.share_change(snap.shares, aws) == -1  # 29% in 2025Q1
    google = m.latest_share(snap.shares, "Google")
    assert google is not None and m.share_change(snap.shares, google) == 2  # 12 -> 14


def test_alibaba_share_is_its_own_latest_period(snap: Snapshot) -> None:
    alibaba = m.latest_share(snap.shares, "Alibaba")
    assert alibaba is not None and (alibaba.period, alibaba.share_pct) == ("2025Q2", 4)
    assert m.share_change(snap.shares, alibaba) is None  # no Synergy 2024Q2 figure
    china = m.latest_any_firm(snap.shares, "Alibaba", "china")
    assert china is not None and (china.firm, china.period, china.share_pct) == (
        "Omdia", "2025Q4", 37)


def test_figures_feed_the_check_values(snap: Snapshot) -> None:
    from aiwatch.feed import base_views
    view = base_views(snap, ["BABA"])["BABA"]
    values = m.figures(view, snap.shares).check_values()
    assert values["price"] == 164.32
    assert values["cloud_yoy"] == 38
    assert values["revenue_yoy"] == 3
    assert values["eps_surprise"] is None
    assert values["cloud_share"] == 4
    assert values["china_share"] == 37
