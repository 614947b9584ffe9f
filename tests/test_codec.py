"""The cache decoder resolves each class's field types once, and decodes histories whole."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest

from aiwatch.model import Origin, PriceHistory, Provenance
from aiwatch.store import codec

ORIGIN = Origin(Provenance.CACHED, datetime(2026, 5, 1, tzinfo=UTC))


def history(ticker: str) -> PriceHistory:
    return PriceHistory(ticker=ticker, dates=(date(2026, 4, 29), date(2026, 4, 30)),
                        closes=(410.5, 412.25), currency="USD", origin=ORIGIN)


def test_decoding_resolves_type_hints_once_per_class(monkeypatch: pytest.MonkeyPatch) -> None:
    resolved: list[type] = []
    real = codec.get_type_hints

    def counted(cls: type) -> dict[str, object]:
        resolved.append(cls)
        return real(cls)

    monkeypatch.setattr(codec, "get_type_hints", counted)
    caches = (codec._hints, codec._field_converters)
    for cache in caches:
        cache.cache_clear()
    try:
        decoded = [codec.decode(PriceHistory, codec.encode(history(t)), ORIGIN)
                   for t in ("MSFT", "AMZN", "GOOGL")]
    finally:
        for cache in caches:
            cache.cache_clear()
    assert decoded == [history(t) for t in ("MSFT", "AMZN", "GOOGL")]
    assert resolved == [PriceHistory]


def test_a_history_decodes_to_dates_and_floats() -> None:
    payload = '{"ticker":"MSFT","dates":["2026-04-29","2026-04-30"],"closes":[410,412.25],' \
        '"currency":"USD"}'
    decoded = codec.decode(PriceHistory, payload, ORIGIN)
    assert decoded.dates == (date(2026, 4, 29), date(2026, 4, 30))
    assert decoded.closes == (410.0, 412.25)
    assert type(decoded.closes[0]) is float


def test_a_history_with_a_non_date_is_a_decode_error() -> None:
    payload = '{"ticker":"MSFT","dates":["2026-04-29","soon"],"closes":[1,2],"currency":"USD"}'
    with pytest.raises(codec.DecodeError):
        codec.decode(PriceHistory, payload, ORIGIN)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf"), 1e308, -5.0, 2e7])
def test_one_impossible_close_among_a_year_of_good_ones_is_refused(bad: float) -> None:
    closes = [400.0 + i for i in range(250)]
    closes[137] = bad
    payload = codec.encode(history("MSFT")).replace(
        '"closes":[410.5,412.25]', '"closes":[' + ",".join(map(repr, closes)) + "]").replace(
        "nan", "NaN").replace("inf", "Infinity")
    # NaN and Infinity are not JSON (no version of the encoder writes them): malformed
    with pytest.raises(codec.DecodeError, match="cannot be shown" if math.isfinite(bad)
                       else "malformed"):
        codec.decode(PriceHistory, payload, ORIGIN)


def test_a_zero_close_and_the_largest_price_are_let_through() -> None:
    payload = codec.encode(history("MSFT")).replace("[410.5,412.25]", "[0,1e7]")
    assert codec.decode(PriceHistory, payload, ORIGIN).closes == (0.0, 1e7)
