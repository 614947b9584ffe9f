"""BABA's ADS against 9988.HK after FX, with figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiwatch.adr import ORDINARY_SHARES_PER_ADS, compare_ads
from aiwatch.model import Origin, Provenance, Quote
from aiwatch.positions import FxRate, FxTable

NY_CLOSE = datetime(2025, 11, 24, 21, 0, tzinfo=UTC)  # Monday's NYSE close
HK_CLOSE = datetime(2025, 11, 25, 8, 8, tzinfo=UTC)  # Tuesday's Hong Kong close
FX_TIME = datetime(2025, 11, 25, 8, 0, tzinfo=UTC)


def quote(ticker: str, price: float, currency: str, as_of: datetime) -> Quote:
    return Quote(ticker, price, None, currency, as_of, Origin(Provenance.LIVE, as_of))


def usd_hkd(as_of: datetime = FX_TIME) -> FxTable:
    return FxTable([FxRate("HKD=X", 7.7850, as_of)])  # Yahoo's USD->HKD


def test_ratio_is_eight_ordinary_shares() -> None:
    assert ORDINARY_SHARES_PER_ADS == 8


def test_premium_from_real_looking_prices() -> None:
    # 9988.HK HKD 152.30 x 8 = HKD 1,218.40 per ADS; / 7.7850 HKD per USD = USD 156.5061
    # (7.785 x 156.5 = 1,218.3525, remainder 0.0475 / 7.785 = 0.0061);
    # BABA USD 157.87: 157.87 / 156.5061 - 1 = 1.3639 / 156.5061 = +0.87 % premium
    result = compare_ads(quote("BABA", 157.87, "USD", NY_CLOSE),
                         quote("9988.HK", 152.30, "HKD", HK_CLOSE), usd_hkd())
    assert result is not None
    assert round(result.implied_price, 4) == 156.5061
    assert round(result.premium_pct, 2) == 0.87
    assert (result.ads_as_of, result.ordinary_as_of) == (NY_CLOSE, HK_CLOSE)
    assert [(fx.pair, fx.as_of) for fx in result.fx] == [("HKD=X", FX_TIME)]
    assert result.gap == timedelta(hours=11, minutes=8) and result.comparable


def test_a_discount_is_negative() -> None:
    # implied 156.5061 as above; BABA at 154.00: 154 / 156.5061 - 1 = -1.60 %
    result = compare_ads(quote("BABA", 154.00, "USD", NY_CLOSE),
                         quote("9988.HK", 152.30, "HKD", HK_CLOSE), usd_hkd())
    assert round(result.premium_pct, 2) == -1.60


def test_prices_a_weekend_apart_are_flagged_not_hidden() -> None:
    # Friday's NYSE close against Monday's Hong Kong close: 59 h 8 min apart
    friday = datetime(2025, 11, 21, 21, 0, tzinfo=UTC)
    monday_hk = datetime(2025, 11, 24, 8, 8, tzinfo=UTC)
    result = compare_ads(quote("BABA", 157.87, "USD", friday),
                         quote("9988.HK", 152.30, "HKD", monday_hk), usd_hkd(monday_hk))
    assert result is not None and round(result.premium_pct, 2) == 0.87
    assert result.gap == timedelta(hours=59, minutes=8) and not result.comparable


def test_no_comparison_without_an_input_or_with_a_stale_one() -> None:
    ads, hk = quote("BABA", 157.87, "USD", NY_CLOSE), quote("9988.HK", 152.30, "HKD", HK_CLOSE)
    assert compare_ads(ads, hk, FxTable()) is None  # no HKD rate
    assert compare_ads(None, hk, usd_hkd()) is None
    assert compare_ads(ads, None, usd_hkd()) is None
    assert compare_ads(quote("BABA", float("nan"), "USD", NY_CLOSE), hk, usd_hkd()) is None
    # a price in another currency than the ratio's lines
    assert compare_ads(ads, quote("9988.HK", 152.30, "CNY", HK_CLOSE), usd_hkd()) is None
    # an FX rate 8 days older than the newest price (more than 7 days)
    assert compare_ads(ads, hk, usd_hkd(HK_CLOSE - timedelta(days=8))) is None
    assert compare_ads(ads, hk, usd_hkd(HK_CLOSE - timedelta(days=6))) is not None
    # a Hong Kong price 8 days before the ADS's
    old_hk = quote("9988.HK", 152.30, "HKD", NY_CLOSE - timedelta(days=8))
    assert compare_ads(ads, old_hk, usd_hkd(NY_CLOSE)) is None
