"""The bundled snapshot: built from data/, every row sourced, nothing from ../shared."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aiwatch.locations import bundled_data_dir
from aiwatch.sources.snapshot import load_snapshot

ROOT = Path(__file__).resolve().parent.parent
SOURCED = ["earnings.csv", "cloud_segments.csv", "market_share.csv", "next_earnings.csv"]


@pytest.mark.parametrize("name", SOURCED)
def test_bundled_tables_match_data_and_name_a_source(name: str) -> None:
    bundled = bundled_data_dir() / name
    assert bundled.read_text(encoding="utf-8") == (ROOT / "data" / name).read_text(
        encoding="utf-8"), "run python scripts/build_data.py"
    with bundled.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(row["source_url"].startswith("http") for row in rows)


def test_bundled_prices_keep_every_close() -> None:
    for source in sorted((ROOT / "data" / "prices").glob("*.csv")):
        with source.open(newline="", encoding="utf-8") as f:
            raw = [(r["date"], float(r["close"])) for r in csv.DictReader(f)]
        history = load_snapshot().histories[source.stem]
        assert [d.isoformat() for d in history.dates] == [d for d, _ in raw]
        assert history.closes == pytest.approx([c for _, c in raw], abs=5e-5)


def test_snapshot_as_of_dates() -> None:
    snap = load_snapshot()
    assert {t: h.last_date.isoformat() for t, h in snap.histories.items()} == {
        "AMZN": "2026-10-06", "BABA": "2026-02-11", "GOOGL": "2026-10-06", "MSFT": "2026-10-06"}
    assert snap.fundamentals_as_of.isoformat() == "2026-05-13"
    assert len(snap.fundamentals["BABA"].quarters) == 8


def test_package_never_reaches_for_shared() -> None:
    for path in (ROOT / "tui" / "aiwatch").rglob("*.py"):
        assert "../shared" not in path.read_text(encoding="utf-8"), path
    assert (bundled_data_dir() / "SOURCES.md").is_file()
