"""BABA (NYSE, USD) against 9988.HK (Hong Kong, HKD): the ADS price the Hong Kong line implies,
and the ADS's premium or discount to it.

One BABA ADS is eight ordinary shares. Alibaba's own words: "Following the ADS Ratio Change,
each ADS now represents eight (8) Ordinary Shares. Previously, each ADS represented one Ordinary
Share." (6-K exhibit 99.1, effective before NYSE trading on 2019-07-30,
https://www.sec.gov/Archives/edgar/data/1577552/000110465919042446/a19-16252_1ex99d1.htm),
and still in its March quarter 2025 results: "Our American depositary shares, each representing
eight of our shares, are listed on the New York Stock Exchange"
(https://www.sec.gov/Archives/edgar/data/1577552/000110465925049400/tm2515233d1_ex99-1.htm).
9988.HK listed on 2019-11-26, after the change, so every pair of prices uses eight.

implied ADS price (USD) = 9988.HK price x 8 x HKDUSD
premium % = (ADS price / implied - 1) x 100  (negative: a discount)

The two markets never trade at once (Hong Kong closes 08:00 UTC, the NYSE opens 13:30 or 14:30
UTC), so the two prices are always hours apart; on consecutive weekdays the latest ones are at
most about 13 h apart (an NYSE close at 21:00 UTC against that day's Hong Kong close). Further
apart than `SAME_WINDOW` (16 h), a weekend, a holiday or a stale quote lies between them, and news
from then is in one price only: the figures are still given, with `comparable` False and the
`gap`, for the screen to say so. Anything more than `MAX_APART` (7 days) from the newest input,
the FX rate included, gives no comparison at all.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from msgspec import Struct

from aiwatch.model import Quote, plausible_price

if TYPE_CHECKING:  # the tables are handed in: positions is loaded only with holdings
    from aiwatch.positions import FxRate, FxTable

ORDINARY_SHARES_PER_ADS = 8
SAME_WINDOW = datetime.timedelta(hours=16)
MAX_APART = datetime.timedelta(days=7)


class AdsComparison(Struct, frozen=True):
    """The ADS against the Hong Kong line, with the as-of time of each input."""

    ads_price: float  # USD
    implied_price: float  # USD: the Hong Kong price x 8 at the FX rate
    premium_pct: float  # the ADS over (+) or under (-) the implied price
    ads_as_of: datetime.datetime
    ordinary_as_of: datetime.datetime
    fx: tuple[FxRate, ...]  # the FX quotes used (HKDUSD=X, or its inverse HKD=X / USDHKD=X)
    gap: datetime.timedelta  # between the two prices' as-of times
    comparable: bool  # gap within SAME_WINDOW: no weekend or holiday between the prices


def compare_ads(ads: Quote | None, ordinary: Quote | None, fx: FxTable) -> AdsComparison | None:
    """BABA's premium over 9988.HK after FX, or None without both prices in USD and HKD and a
    rate, or when an input is more than MAX_APART from the newest one."""
    if ads is None or ordinary is None:
        return None
    if not (plausible_price(ads.price) and plausible_price(ordinary.price)):
        return None
    if ads.currency != "USD" or ordinary.currency != "HKD":
        return None  # another line or unit than the ratio is stated for
    conversion = fx.conversion("HKD", "USD")
    if conversion is None:
        return None
    times = [ads.as_of, ordinary.as_of, *(rate.as_of for rate in conversion.used)]
    if max(times) - min(times) > MAX_APART:
        return None
    implied = ordinary.price * ORDINARY_SHARES_PER_ADS * conversion.rate
    gap = abs(ads.as_of - ordinary.as_of)
    return AdsComparison(
        ads.price, implied, (ads.price / implied - 1) * 100, ads.as_of, ordinary.as_of,
        conversion.used, gap, gap <= SAME_WINDOW,
    )
