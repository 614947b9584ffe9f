"""Applying new data works out again only the summaries whose inputs changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from msgspec.structs import replace

from aiwatch.model import Company, Origin, Provenance, Quote, TickerView
from aiwatch.sources.snapshot import load_snapshot
from aiwatch.summary import resummarise, summarise

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday 10:00 New York
SHARES = load_snapshot().shares


def quote(ticker: str, price: float) -> Quote:
    return Quote(ticker=ticker, price=price, previous_close=100.0, currency="USD",
                 as_of=NOW - timedelta(minutes=5), origin=Origin(Provenance.LIVE, NOW),
                 exchange_tz="America/New_York")


def views(msft: float = 101.0) -> dict[str, TickerView]:
    return {t: TickerView(Company(t, t), quote=quote(t, p))
            for t, p in (("MSFT", msft), ("AMZN", 202.0))}


def test_unchanged_tickers_keep_their_summary_object() -> None:
    first = resummarise({}, views(), SHARES, {"AMZN": "Thesis."}, NOW)
    again = resummarise(first, views(msft=105.0), SHARES, {"AMZN": "Thesis."},
                        NOW + timedelta(minutes=1))
    assert again["AMZN"] is first["AMZN"]  # an equal view, same note, same session
    assert again["MSFT"] is not first["MSFT"]
    assert again["MSFT"].figures.quote.price == 105.0
    assert again == {t: summarise(v, SHARES, n, NOW + timedelta(minutes=1)) for t, v, n in (
        ("MSFT", views(105.0)["MSFT"], ""), ("AMZN", views()["AMZN"], "Thesis."))}


def test_a_new_note_shares_or_day_works_a_summary_out_again() -> None:
    first = resummarise({}, views(), SHARES, {}, NOW)
    noted = resummarise(first, views(), SHARES, {"AMZN": "New."}, NOW)
    assert noted["AMZN"] is not first["AMZN"] and noted["AMZN"].note == "New."
    assert noted["MSFT"] is first["MSFT"]
    shares = resummarise(first, views(), tuple(SHARES[:1]), {}, NOW)
    assert shares["MSFT"] is not first["MSFT"]
    tomorrow = resummarise(first, views(), SHARES, {}, NOW + timedelta(days=1))
    assert tomorrow["MSFT"] is not first["MSFT"]
    assert tomorrow["MSFT"].today == (NOW + timedelta(days=1)).date()


def test_summary_remembers_its_session_day() -> None:
    summary = summarise(replace(views()["MSFT"]), SHARES, "", NOW)
    assert summary.session_day == NOW.date() and summary.price_current
