"""The objects aiwatch shows: frozen values, with where each came from.

Nothing here imports Textual, Rich, pandas or yfinance: sources build these, widgets render them.

The records are msgspec Structs (frozen: hashable, compared by value): on Python 3.11 a
dataclass compiles five generated methods at import, and the 34 the first frame loaded cost
45 ms of every start (timed in-process); a Struct's are built in C.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from enum import Enum

from msgspec import Struct
from msgspec.structs import replace

# No share price is above this (Berkshire's A shares: under 1e6): a larger one is garbage, and
# ±1e308 or inf would break every scale it is drawn on.
MAX_PRICE = 1e7
EQUITY = "EQUITY"  # Yahoo's instrument type of a company's shares: the one with earnings
# BABA's ADS and the Hong Kong line it stands for (adr.py compares them): here, not in adr.py,
# so the app can ask whether both are listed without loading the comparison.
ADS_SYMBOL = "BABA"
ORDINARY_SYMBOL = "9988.HK"


def plausible_price(value: float | None) -> bool:
    """A price that can be a real one: finite, above zero, at most MAX_PRICE."""
    return isinstance(value, int | float) and math.isfinite(value) and 0 < value <= MAX_PRICE


class Provenance(Enum):
    """Where a figure came from; precedence is LIVE > CACHED > SNAPSHOT."""

    LIVE = "live"
    CACHED = "cached"
    SNAPSHOT = "snapshot"


class Origin(Struct, frozen=True):
    """Provenance plus the moment the figure was true (fetch time, or snapshot as-of)."""

    kind: Provenance
    as_of: datetime

    def as_cached(self) -> Origin:
        """The same figure read back from the cache: no longer live."""
        if self.kind is Provenance.LIVE:
            return replace(self, kind=Provenance.CACHED)
        return self


class PriceHistory(Struct, frozen=True):
    """Daily closes, oldest first."""

    ticker: str
    dates: tuple[date, ...]
    closes: tuple[float, ...]
    origin: Origin
    note: str = ""  # e.g. "dividend-adjusted to 2026-08-19"
    currency: str = ""  # "" when the source does not say

    @property
    def last_date(self) -> date | None:
        return self.dates[-1] if self.dates else None


class Quote(Struct, frozen=True):
    """The latest price and the close it is compared with.

    `as_of` is the market time of the price (not when it was fetched: that is `origin.as_of`);
    `exchange_tz` the exchange's IANA zone, so "which trading day" is asked where it trades.
    `name` and `instrument` are Yahoo's (longName, else shortName; EQUITY, ETF, INDEX,
    CURRENCY, CRYPTOCURRENCY, MUTUALFUND, FUTURE…), "" when unknown. `extended_price` is a
    pre- or post-market price (`extended_session` "pre" | "post") at `extended_time`, always
    later than `as_of`; its change is measured against `price` (metrics.extended_change).
    """

    ticker: str
    price: float
    previous_close: float | None
    currency: str
    as_of: datetime
    origin: Origin
    exchange_tz: str = ""
    name: str = ""
    instrument: str = ""
    extended_price: float | None = None
    extended_time: datetime | None = None
    extended_session: str = ""


class EarningsQuarter(Struct, frozen=True):
    """One reported quarter. Amounts in `currency`; EPS in `eps_currency` (they differ: Alibaba
    reports in RMB, and the snapshot quotes its EPS per ADS in USD), on the `eps_basis` its
    source states. The EPS estimate and result always come from one source together, so a
    surprise is never computed across sources or currencies."""

    ticker: str
    quarter_end: date
    report_date: date | None = None
    eps_estimate: float | None = None
    eps_reported: float | None = None
    eps_basis: str = ""
    revenue: float | None = None
    revenue_yoy_pct: float | None = None  # as the source states it
    net_income: float | None = None
    net_income_yoy_pct: float | None = None
    capex: float | None = None
    currency: str = "USD"
    source_url: str = ""
    eps_currency: str = ""  # "" when the source does not say
    notes: str = ""  # the source's own remarks, e.g. one-off gains inside the EPS


class CloudSegment(Struct, frozen=True):
    """Cloud-segment revenue for one quarter (revenue may be missing: growth-only rows)."""

    ticker: str
    segment: str
    quarter_end: date
    revenue: float | None
    currency: str
    yoy_pct: float | None
    operating_income: float | None = None
    source_url: str = ""


# The cloud names the screen prints for the market-share providers; a user's file may use
# either name (sources/snapshot.py reads both, case-insensitively).
PROVIDER_LABELS = {
    "AWS": "AWS", "Microsoft": "Azure", "Google": "Google Cloud", "Alibaba": "Alibaba Cloud",
}
# Other names people give the same providers in their own files.
PROVIDER_ALIASES = {
    "Amazon": "AWS", "Amazon Web Services": "AWS", "Microsoft Azure": "Microsoft",
    "GCP": "Google", "Google Cloud Platform": "Google", "Alibaba Group": "Alibaba",
}


class CloudShare(Struct, frozen=True):
    """One analyst firm's share figure for one provider, region and period."""

    provider: str
    region: str  # "global" | "china"
    period: str  # "2026Q1", "2025H1"
    share_pct: float
    firm: str
    source_url: str = ""
    published: date | None = None
    market_definition: str = ""  # what the firm counts as the market


class NextEarnings(Struct, frozen=True):
    """The next report: one confirmed date, or an estimate that may be a window
    (Yahoo gives two dates while the company has not announced one)."""

    ticker: str
    report_date: date
    confirmed: bool
    source_url: str = ""
    latest: date | None = None  # the window's last day, when the estimate is a window


class Company(Struct, frozen=True):
    """Static facts: names, which cloud segment and share provider belong to the ticker."""

    ticker: str
    name: str
    cloud_segment: str = ""  # the segment shown on the card, as the company names it
    cloud_label: str = ""  # its short name: "AWS", "Azure"
    share_provider: str = ""  # the provider name in market-share rows
    fiscal_year_end_month: int = 12


class Fundamentals(Struct, frozen=True):
    """Earnings quarters for one ticker (newest first) and where they came from."""

    ticker: str
    quarters: tuple[EarningsQuarter, ...]
    origin: Origin
    next_earnings: NextEarnings | None = None


class TickerView(Struct, frozen=True):
    """Everything one card shows for one ticker, each part with its own origin."""

    company: Company
    quote: Quote | None = None
    history: PriceHistory | None = None
    fundamentals: Fundamentals | None = None
    cloud: tuple[CloudSegment, ...] = ()  # newest first, the card's segment
    error: str = ""  # the last refresh failure for this ticker, shown on the card

    @property
    def ticker(self) -> str:
        return self.company.ticker


class ThesisCheck(Struct, frozen=True):
    """One `check:` line of a note: metric, operator, threshold; or the parse error (or the
    hint for a line that looks like a misspelt check), with the line itself as `text`."""

    line_no: int
    text: str  # the expression (`cloud_yoy >= 20`); with an error, the whole line
    metric: str = ""
    op: str = ""
    threshold: float = 0.0
    error: str = ""
    places: int = 0  # decimals the threshold was written with: `>= 5.10` has 2
    kind: str = "check"  # or "alert": `alert: price < 150` notifies when it turns true


class CheckResult(Struct, frozen=True):
    """One check evaluated against a ticker's figures."""

    check: ThesisCheck
    actual: float | None
    passed: bool | None  # None: no data (or the line did not parse)
