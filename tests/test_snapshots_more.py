"""Pictures of the states a user shapes: the compact view at 80×24, a 12-symbol list, BABA
beside 9988.HK with positions, a light theme, compare at each range, the journal. Update
only for an intended change, after looking at the picture."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from screen_states import FIXED_NOW, SIZES
from watchlists import write_config, write_tickers

from aiwatch.model import Origin, Provenance, Quote
from aiwatch.store.cache import Cache


def test_compact_view_at_80x24(snap_compare, make_test_app) -> None:
    assert snap_compare(make_test_app(), terminal_size=(80, 24))


def test_a_twelve_symbol_list(snap_compare, make_test_app, tmp_home: Path) -> None:
    symbols = ["BABA", "AMZN", "MSFT", "GOOGL", "NVDA", "ORCL", "META", "TSM", "9988.HK",
               "BRK-B", "^GSPC", "QQQ"]
    write_tickers(symbols)
    assert snap_compare(make_test_app(), terminal_size=SIZES["wide"])


def test_the_twelve_symbol_list_compact(snap_compare, make_test_app, tmp_home: Path) -> None:
    symbols = ["BABA", "AMZN", "MSFT", "GOOGL", "NVDA", "ORCL", "META", "TSM", "9988.HK",
               "BRK-B", "^GSPC", "QQQ"]
    write_tickers(symbols)
    assert snap_compare(make_test_app(), terminal_size=(80, 24))


def cache_quotes(tmp_home: Path, *quotes: tuple[str, float, float, str, str]) -> None:
    """Quotes as a fetch earlier today left them (an hour before the tests' clock)."""
    when = FIXED_NOW - timedelta(hours=1)
    cache = Cache(tmp_home / "cache" / "aiwatch" / "cache.sqlite3")
    cache.put_many([Quote(symbol, price, previous, currency, when,
                          Origin(Provenance.CACHED, when), zone, name=name)
                    for symbol, price, previous, currency, zone, name in
                    [(*q[:4], "Asia/Hong_Kong" if q[3] == "HKD" else "America/New_York", q[4])
                     for q in quotes]])
    cache.close()


def test_baba_beside_9988_hk_with_positions(snap_compare, make_test_app,
                                            tmp_home: Path) -> None:
    write_config("""\
tickers = ["BABA", "9988.HK", "MSFT"]
base_currency = "USD"

[[positions.BABA]]
quantity = 10
cost = 80
date = 2025-01-02

[[positions."9988.HK"]]
quantity = 100
cost = 140
date = 2025-03-03
""")
    cache_quotes(tmp_home, ("BABA", 157.87, 155.0, "USD", "Alibaba Group Holding Limited"),
                 ("9988.HK", 152.30, 150.0, "HKD", "ALIBABA GROUP HOLDING LTD"),
                 ("HKDUSD=X", 0.1285, 0.1284, "USD", "HKD/USD"))
    assert snap_compare(make_test_app(), terminal_size=SIZES["wide"])


def test_light_theme(snap_compare, make_test_app, tmp_home: Path) -> None:
    write_config('theme = "textual-light"\n')
    assert snap_compare(make_test_app(), terminal_size=SIZES["wide"])


@pytest.mark.parametrize("presses", [0, 1, 2, 3, 4])
def test_compare_at_each_range(snap_compare, make_test_app, presses: int) -> None:
    # 1Y, then t: 5Y, 1M, 3M, 6M
    assert snap_compare(make_test_app(), press=["c", *["t"] * presses],
                        terminal_size=SIZES["wide"])


def test_the_journal_on_the_detail_screen(snap_compare, make_test_app, tmp_home: Path) -> None:
    journal = tmp_home / "data" / "aiwatch" / "notes" / "journal.md"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(
        "# aiwatch journal\n\n"
        "- 2026-11-20 15:00 UTC · BABA · check · cloud_yoy >= 40 · ✔ → ✘ · 38.0\n"
        "- 2026-11-24 21:05 UTC · BABA · alert · price < 165 · ✘ → ✔ · 164.32\n")
    assert snap_compare(make_test_app(), press=["enter", "end"], terminal_size=SIZES["wide"])
