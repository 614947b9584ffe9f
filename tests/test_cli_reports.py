"""`aiwatch check` and `aiwatch export`: from the cache and the bundled data, no UI, no
network unless --refresh; exit statuses for scripts and cron."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeYahoo, fixture_quote

from aiwatch.cli import main, parse_args, report
from aiwatch.export import from_csv


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(argv)
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out, out.err


def note(tmp_home: Path, ticker: str, text: str) -> None:
    path = tmp_home / "data" / "aiwatch" / "notes" / f"{ticker}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_check_passes_on_the_bundled_theses(capsys: pytest.CaptureFixture[str],
                                            tmp_home: Path) -> None:
    status, out, _ = run(["check"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["✔", "BABA", "cloud_yoy", ">=", "20", "actual", "38.0"]
    assert len(lines) == 13  # every check of the four seeded notes
    assert not (tmp_home / "data" / "aiwatch" / "notes").exists()  # a report writes no note


def test_check_exits_1_when_one_fails_or_cannot_be_read(
        capsys: pytest.CaptureFixture[str], tmp_home: Path) -> None:
    note(tmp_home, "MSFT", "check: cloud_yoy >= 90\ncheck: cloud_yoy >= 30\n")
    status, out, _ = run(["check", "--tickers", "MSFT"], capsys)
    assert status == 1
    assert out.splitlines()[0].split()[:3] == ["✘", "MSFT", "cloud_yoy"]
    note(tmp_home, "MSFT", "check: clod_yoy >= 30\n")
    status, out, _ = run(["check", "--tickers", "MSFT"], capsys)
    assert status == 1 and out.startswith("! MSFT") and "unknown metric 'clod_yoy'" in out


def test_export_csv_round_trips(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["export", "--tickers", "AMZN,GOOGL"], capsys)
    assert status == 0
    rows = {(r.ticker, r.figure): r for r in from_csv(out)}
    price = rows["AMZN", "price"]
    assert (price.value, price.currency, price.provenance) == (256.29, "USD", "snapshot")
    assert rows["GOOGL", "cloud_yoy"].value == 63.0
    assert rows["GOOGL", "check: cloud_yoy >= 25"].value == "pass"


def test_export_md_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["export", "--format", "md", "--tickers", "MSFT"], capsys)
    assert "## MSFT · Microsoft" in out and "| price | 529.30 USD |" in out
    _, out, _ = run(["export", "--format", "json", "--tickers", "MSFT"], capsys)
    assert '"figure": "price"' in out


def test_export_refresh_reads_what_it_fetched(fake_yahoo: FakeYahoo,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    args = parse_args(["export", "--refresh", "--tickers", "AMZN"])
    assert report(args, session=fake_yahoo) == 0
    rows = {r.figure: r for r in from_csv(capsys.readouterr().out)}
    assert rows["price"].value == fixture_quote("AMZN")[0] != 256.29
    assert rows["price"].provenance == "cached"
    assert fake_yahoo.seen  # it asked Yahoo (the fake); without --refresh nothing is asked


def test_export_without_refresh_asks_nobody(fake_yahoo: FakeYahoo,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert report(parse_args(["export", "--tickers", "AMZN"]), session=fake_yahoo) == 0
    assert fake_yahoo.seen == []


def test_bad_symbols_are_refused_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["export", "--tickers", "bad sym"], capsys)
    assert status == 2 and "not ticker symbols" in err
