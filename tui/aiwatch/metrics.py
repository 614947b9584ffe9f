"""Pure computations behind every delta on screen: changes, growth, surprise, ranges, shares.

Stated figures win over computed ones: a YoY the company reported is shown as reported; only
where the source gives the two amounts and no rate do we compute it. Nothing is estimated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar

from msgspec import Struct

from aiwatch.market import CLOSE, NEW_YORK
from aiwatch.model import (
    CloudSegment,
    CloudShare,
    EarningsQuarter,
    PriceHistory,
    Quote,
    TickerView,
)

REFERENCE_FIRM = "Synergy Research Group"
T = TypeVar("T")


def pct_change(current: float | None, prior: float | None) -> float | None:
    """Growth from prior to current in %, or None without both (or a zero base)."""
    if current is None or prior is None or prior == 0:
        return None
    return (current - prior) / abs(prior) * 100


def day_change(quote: Quote | None) -> tuple[float, float] | None:
    """(absolute, %) change of the quote against the previous close."""
    if quote is None or quote.previous_close is None:
        return None
    pct = pct_change(quote.price, quote.previous_close)
    return (quote.price - quote.previous_close, pct) if pct is not None else None


def extended_change(quote: Quote | None) -> tuple[float, float] | None:
    """(absolute, %) change of the pre- or post-market price against the regular price."""
    if quote is None or quote.extended_price is None:
        return None
    pct = pct_change(quote.extended_price, quote.price)
    return (quote.extended_price - quote.price, pct) if pct is not None else None


def surprise_pct(estimate: float | None, reported: float | None) -> float | None:
    """EPS surprise: how far reported beat (+) or missed (-) the estimate, in %."""
    return pct_change(reported, estimate)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class Growth(Struct, frozen=True):
    """A year-on-year rate, and whether we computed it (the source stated none)."""

    pct: float | None
    computed: bool = False


NO_GROWTH = Growth(None)


def revenue_yoy(quarter: EarningsQuarter, quarters: Iterable[EarningsQuarter]) -> Growth:
    """Revenue YoY: as stated, else computed from the same quarter a year earlier."""
    return _quarter_yoy(quarter, quarters, quarter.revenue_yoy_pct, lambda q: q.revenue)


def net_income_yoy(quarter: EarningsQuarter, quarters: Iterable[EarningsQuarter]) -> Growth:
    """Net income YoY: as stated, else computed from the same quarter a year earlier."""
    return _quarter_yoy(quarter, quarters, quarter.net_income_yoy_pct, lambda q: q.net_income)


def _quarter_yoy(
    quarter: EarningsQuarter,
    quarters: Iterable[EarningsQuarter],
    stated: float | None,
    amount: Callable[[EarningsQuarter], float | None],
) -> Growth:
    if stated is not None:
        return Growth(stated)
    prior = _find_year_before(quarter.quarter_end, quarters, lambda q: q.quarter_end)
    if prior is None or prior.currency != quarter.currency:
        return NO_GROWTH  # never a rate across currencies
    return _computed(amount(quarter), amount(prior))


def cloud_yoy(segment: CloudSegment, segments: Iterable[CloudSegment]) -> Growth:
    """Cloud-segment YoY: as stated, else computed from the same segment a year earlier."""
    if segment.yoy_pct is not None:
        return Growth(segment.yoy_pct)
    same = [s for s in segments if s.segment == segment.segment]
    prior = _find_year_before(segment.quarter_end, same, lambda s: s.quarter_end)
    if prior is None or prior.currency != segment.currency:
        return NO_GROWTH
    return _computed(segment.revenue, prior.revenue)


def _computed(current: float | None, prior: float | None) -> Growth:
    pct = pct_change(current, prior)
    return Growth(pct, computed=pct is not None)


def eps_surprise(quarter: EarningsQuarter) -> float | None:
    """The quarter's EPS surprise: estimate and result share one source and currency."""
    return surprise_pct(quarter.eps_estimate, quarter.eps_reported)


def _find_year_before(
    end: date, items: Iterable[T], key: Callable[[T], date]
) -> T | None:
    target = _year_before(end)
    for item in items:
        when = key(item)
        if abs((when - target).days) <= 3:
            return item
    return None


def latest_quarter(quarters: Sequence[EarningsQuarter]) -> EarningsQuarter | None:
    """The newest quarter the data has (it may be partly n/a)."""
    return max(quarters, key=lambda q: q.quarter_end, default=None)


def segment_for(
    segments: Iterable[CloudSegment], name: str, quarter_end: date | None = None
) -> CloudSegment | None:
    """The named segment for a quarter (default: its newest)."""
    rows = [s for s in segments if s.segment == name]
    if quarter_end is not None:
        rows = [s for s in rows if s.quarter_end == quarter_end]
    return max(rows, key=lambda s: s.quarter_end, default=None)


class Range52(Struct, frozen=True):
    """The 52-week low and high of the closes, and where the price sits between them."""

    low: float
    high: float
    position: float  # 0 at the low, 1 at the high


def range_52w(history: PriceHistory | None, price: float | None = None) -> Range52 | None:
    """52-week range of daily closes up to the history's last day, and where price sits."""
    if history is None or not history.closes:
        return None
    start = history.dates[-1] - timedelta(days=365)
    closes = [c for d, c in zip(history.dates, history.closes, strict=True) if d > start]
    price = history.closes[-1] if price is None else price
    low, high = min(closes + [price]), max(closes + [price])
    position = 0.5 if high == low else (price - low) / (high - low)
    return Range52(low, high, position)


def recent_closes(history: PriceHistory | None, days: int = 92) -> tuple[float, ...]:
    """Closes of the last `days` calendar days: the card's sparkline."""
    if history is None or not history.dates:
        return ()
    start = history.dates[-1] - timedelta(days=days)
    return tuple(c for d, c in zip(history.dates, history.closes, strict=True) if d > start)


def fiscal_label(quarter_end: date, fiscal_year_end_month: int) -> str:
    """The company's own name for a quarter: 2025-09-30 at Alibaba (FY ends March) is FQ2 FY26."""
    months_into_year = (quarter_end.month - fiscal_year_end_month - 1) % 12
    fiscal_year = quarter_end.year + (quarter_end.month > fiscal_year_end_month)
    return f"FQ{months_into_year // 3 + 1} FY{fiscal_year % 100:02d}"


def next_quarter_end(quarter_end: date) -> date:
    """The calendar quarter end after this one (31 Mar, 30 Jun, 30 Sep, 31 Dec)."""
    month = quarter_end.month + 3
    year = quarter_end.year + (month > 12)
    month = (month - 1) % 12 + 1
    return date(year, month, 31 if month in (3, 12) else 30)


def calendar_label(quarter_end: date) -> str:
    return f"{quarter_end.year}Q{(quarter_end.month - 1) // 3 + 1}"


def _period_year_earlier(period: str) -> str:
    return f"{int(period[:4]) - 1}{period[4:]}"


def latest_share(
    shares: Iterable[CloudShare], provider: str, region: str = "global", firm: str = REFERENCE_FIRM
) -> CloudShare | None:
    """The newest share figure for a provider from one firm (never mixing firms)."""
    rows = [
        s for s in shares if s.provider == provider and s.region == region and s.firm == firm
    ]
    return max(rows, key=lambda s: s.period, default=None)


def share_change(shares: Iterable[CloudShare], current: CloudShare) -> float | None:
    """Change in percentage points against the same firm's figure a year earlier."""
    earlier = _period_year_earlier(current.period)
    for s in shares:
        if (s.provider, s.region, s.firm, s.period) == (
            current.provider, current.region, current.firm, earlier
        ):
            return current.share_pct - s.share_pct
    return None


def latest_any_firm(shares: Iterable[CloudShare], provider: str, region: str) -> CloudShare | None:
    """Newest figure from whichever firm published last: used for China, where one firm
    rarely covers consecutive periods. The firm is always named beside it."""
    rows = [s for s in shares if s.provider == provider and s.region == region]
    return max(rows, key=lambda s: (s.period[:4], s.period[4:].replace("H1", "Q2")), default=None)


def quote_from_history(history: PriceHistory) -> Quote | None:
    """A quote made of the last two closes, for when no live quote is known."""
    if not history.closes:
        return None
    previous = history.closes[-2] if len(history.closes) > 1 else None
    last = datetime.combine(history.dates[-1], CLOSE, NEW_YORK)  # the last close's market time
    return Quote(history.ticker, history.closes[-1], previous, history.currency, last,
                 history.origin)


class Figures(Struct, frozen=True):
    """Everything a card shows for one ticker, computed once from its view."""

    quote: Quote | None
    change: tuple[float, float] | None
    range52: Range52 | None
    spark: tuple[float, ...]
    quarter: EarningsQuarter | None
    surprise: float | None
    revenue_yoy: Growth
    net_income_yoy: Growth
    cloud: CloudSegment | None
    cloud_yoy: Growth
    share: CloudShare | None
    share_change: float | None
    china: CloudShare | None

    def check_values(self) -> dict[str, float | None]:
        """The numbers thesis checks can name (see checks.METRICS)."""
        return {
            "price": self.quote.price if self.quote else None,
            "change_pct": self.change[1] if self.change else None,
            "eps_surprise": self.surprise,
            "eps": self.quarter.eps_reported if self.quarter else None,
            "revenue_yoy": self.revenue_yoy.pct,
            "net_income_yoy": self.net_income_yoy.pct,
            "cloud_yoy": self.cloud_yoy.pct,
            "cloud_share": self.share.share_pct if self.share else None,
            "cloud_share_change": self.share_change,
            "china_share": self.china.share_pct if self.china else None,
            "range_pos": self.range52.position * 100 if self.range52 else None,
        }


def figures(view: TickerView, shares: Sequence[CloudShare]) -> Figures:
    quote = view.quote
    if quote is None and view.history is not None:
        quote = quote_from_history(view.history)
    quarters = view.fundamentals.quarters if view.fundamentals else ()
    quarter = latest_quarter(quarters)
    company = view.company
    cloud = segment_for(view.cloud, company.cloud_segment)
    share = latest_share(shares, company.share_provider) if company.share_provider else None
    china = latest_any_firm(shares, company.share_provider, "china") if share else None
    return Figures(
        quote=quote,
        change=day_change(quote),
        range52=range_52w(view.history, quote.price if quote else None),
        spark=recent_closes(view.history),
        quarter=quarter,
        surprise=eps_surprise(quarter) if quarter else None,
        revenue_yoy=revenue_yoy(quarter, quarters) if quarter else NO_GROWTH,
        net_income_yoy=net_income_yoy(quarter, quarters) if quarter else NO_GROWTH,
        cloud=cloud,
        cloud_yoy=cloud_yoy(cloud, view.cloud) if cloud else NO_GROWTH,
        share=share,
        share_change=share_change(shares, share) if share else None,
        china=china,
    )
