"""The user's CSV files (fault probe cases 31, 38): line endings from any editor, and many
valid rows through the same reader."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from aiwatch.sources.snapshot import load_snapshot

SHARE_HEAD = "provider,region,period,share_pct,firm,source_url,published\n"
ROW = "AWS,global,{period},{share},Synergy Research Group,https://example.com/{n},2026-08-01"


def user_rows(snap) -> list:  # noqa: ANN001
    bundled = set(snap.bundled_shares)
    return [s for s in snap.shares if s not in bundled]


@pytest.mark.probe(31)
def test_crlf_lines_read_like_lf_lines(tmp_path: Path) -> None:
    rows = [ROW.format(period="2026Q2", share=29, n=1),
            "Azure,global,2026Q2,22,Synergy Research Group,,"]
    (tmp_path / "market_share.csv").write_bytes(
        (SHARE_HEAD + "".join(f"{r}\n" for r in rows)).replace("\n", "\r\n").encode())

    snap = load_snapshot(user_dir=tmp_path)

    assert snap.problems == ()
    assert sorted((s.provider, s.share_pct) for s in user_rows(snap)) == [
        ("AWS", 29), ("Microsoft", 22)]


@pytest.mark.probe(38)
def test_many_valid_rows_are_read_in_linear_time(tmp_path: Path) -> None:
    # The probe's 1 M rows (50 MB) painted in 6.3 s; 20 000 rows take the same path here,
    # and twice as many must take about twice as long, not four times.
    def read(count: int) -> float:
        lines = [ROW.format(period=f"{2000 + n // 4}Q{n % 4 + 1}", share=10 + n % 20, n=n)
                 for n in range(count)]
        (tmp_path / "market_share.csv").write_text(SHARE_HEAD + "\n".join(lines) + "\n")
        start = time.perf_counter()
        snap = load_snapshot(user_dir=tmp_path)
        elapsed = time.perf_counter() - start
        assert snap.problems == ()
        return elapsed

    small, large = read(10_000), read(20_000)
    assert large < 3 * small + 0.05

