"""`aiwatch fetch` and the fetch process the app starts: events, exit codes, and a UI process
that never loads yfinance or pandas."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FakeYahoo

from aiwatch.cli import fetch as run_fetch
from aiwatch.cli import main, parse_args
from aiwatch.fetcher import SubprocessFetcher
from aiwatch.model import Provenance
from aiwatch.store.cache import Cache

TICKERS = ["BABA", "AMZN", "MSFT", "GOOGL"]
FAKE_FETCH = [sys.executable, str(Path(__file__).parent / "fake_fetch.py")]
# 10:30 New York on the day of the fixture charts' live quote (BABA's is of 2026-02-12)
IN_SESSION = datetime(2026, 10, 7, 14, 30, tzinfo=UTC)
PACKAGE_ROOT = Path(__file__).resolve().parent.parent / "tui"


def child_env() -> dict[str, str]:
    """This test's environment (tmp XDG dirs) with the package under test importable."""
    path = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def cache(tmp_home: Path) -> Cache:
    return Cache(tmp_home / "cache" / "aiwatch" / "cache.sqlite3")


def test_fetch_fills_the_cache_and_says_so_in_one_line(
        fake_yahoo: FakeYahoo, capsys: pytest.CaptureFixture[str], tmp_home: Path) -> None:
    status = run_fetch(parse_args(["fetch"]), session=fake_yahoo)

    assert status == 0
    assert capsys.readouterr().out == "aiwatch fetch: fundamentals 4/4, prices 4/4\n"
    assert cache(tmp_home).get_history("MSFT") is not None


def test_fetch_of_nothing_fetchable_exits_1_with_the_reason(
        fake_yahoo: FakeYahoo, capsys: pytest.CaptureFixture[str]) -> None:
    status = run_fetch(parse_args(["fetch", "--tickers", "ZZZZ"]), session=fake_yahoo)

    assert status == 1
    assert capsys.readouterr().err == "aiwatch fetch: nothing fetched: unknown symbol ZZZZ\n"


def test_fetch_during_a_rate_limit_exits_1(fake_yahoo: FakeYahoo,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    fake_yahoo.status = 429
    assert run_fetch(parse_args(["fetch"]), session=fake_yahoo) == 1
    assert capsys.readouterr().err.startswith(
        "aiwatch fetch: nothing fetched: Yahoo rate limit (429) — backing off 60 s")


def test_fetch_offline_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--offline", "fetch"])
    assert exit_info.value.code == 1
    assert capsys.readouterr().err == "aiwatch fetch: nothing fetched: offline\n"


def test_a_fresh_cache_is_success_without_a_request(
        fake_yahoo: FakeYahoo, capsys: pytest.CaptureFixture[str]) -> None:
    run_fetch(parse_args(["fetch"]), session=fake_yahoo)
    asked = len(fake_yahoo.seen)
    capsys.readouterr()

    assert run_fetch(parse_args(["fetch"]), session=fake_yahoo) == 0
    assert len(fake_yahoo.seen) == asked
    assert "all 4 tickers fresh" in capsys.readouterr().out


def test_the_fetch_process_reports_each_ticker_as_json_lines(tmp_home: Path) -> None:
    """The real child process (FakeYahoo inside it): prices of all, then fundamentals, done."""
    async def collect() -> list:  # noqa: ANN202
        fetcher = SubprocessFetcher(FAKE_FETCH, env=child_env())
        return [event async for event in fetcher.run(TICKERS, force=False)]

    events = asyncio.run(collect())

    prices = [e.ticker for e in events if e.part == "prices"]
    fundamentals = [e.ticker for e in events if e.part == "fundamentals"]
    assert sorted(prices) == sorted(fundamentals) == sorted(TICKERS)
    assert events[-1].done and events[-1].message == ""
    assert cache(tmp_home).get_quote("AMZN").origin.kind is Provenance.CACHED


def test_the_fetch_process_line_format(tmp_home: Path) -> None:
    out = subprocess.run([*FAKE_FETCH, "fetch", "--events", "--tickers", "MSFT,ZZZZ"],
                         capture_output=True, text=True, env=child_env(), check=False)
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert {"ticker": "MSFT", "part": "prices"} in lines
    assert {"ticker": "ZZZZ", "error": "unknown symbol ZZZZ"} in lines
    assert lines[-1] == {"done": True, "message": "unknown symbol ZZZZ", "backoff_until": None}
    assert out.returncode == 0


def test_the_fetch_process_runs_below_the_ui(tmp_home: Path) -> None:
    """A fetch yields the CPU: its nice value is the UI's plus FETCH_NICENESS."""
    from aiwatch.cli import FETCH_NICENESS

    probe = ("import os, runpy, sys; sys.argv = sys.argv[1:]\n"
             "try: runpy.run_path(sys.argv[0], run_name='__main__')\n"
             "finally: print('nice', os.nice(0), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", probe, *FAKE_FETCH[1:], "fetch", "--events",
                          "--tickers", "MSFT"], capture_output=True, text=True, env=child_env(),
                         check=False)
    assert f"nice {min(os.nice(0) + FETCH_NICENESS, 19)}" in out.stderr.splitlines()
    assert '"part":"prices"' in out.stdout.replace(" ", "")


UI_PROCESS = textwrap.dedent("""
    import asyncio, sys
    import datetime
    from msgspec.structs import replace
    from aiwatch.cli import make_app
    from aiwatch.fetcher import SubprocessFetcher

    async def main():
        app = make_app(clock=lambda: {now!r})
        app.services = replace(app.services, fetcher=SubprocessFetcher({command!r}))
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(400):
                await pilot.pause(0.05)
                if not app.workers:
                    break
            await pilot.pause()
            badges = [str(app.screen.card_for(t).border_subtitle) for t in app.tickers]
        print(app.refresh_note or "-")
        print(" | ".join(badges))
        print(",".join(sorted(m for m in sys.modules
                              if m.split(".")[0] in ("yfinance", "pandas", "numpy"))) or "-")

    asyncio.run(main())
""")


def test_after_a_refresh_the_ui_process_has_no_yfinance_nor_pandas(tmp_home: Path) -> None:
    """The app in its own process, refreshing through the fetch process: the cards say live,
    and neither yfinance nor pandas (nor numpy) was ever imported in the UI's process."""
    code = UI_PROCESS.format(command=FAKE_FETCH, now=IN_SESSION)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=child_env(), check=True, timeout=120)

    note, badges, heavy = out.stdout.strip().splitlines()[-3:]
    assert note == "-"  # the refresh ended without a complaint
    assert badges == "as of 2026-02-12 | live | live | live"  # BABA, AMZN, MSFT, GOOGL
    assert heavy == "-"
