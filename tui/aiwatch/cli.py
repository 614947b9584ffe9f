"""Command line: parse arguments, build the app from its services, run it."""

from __future__ import annotations

import gc
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING

from aiwatch import locations
from aiwatch.fetcher import Fetcher, InProcessFetcher, SubprocessFetcher
from aiwatch.refresh import FetchEvent, Refresher
from aiwatch.store.cache import Cache
from aiwatch.store.config import (
    load_config,
    parse_tickers,
    with_session_tickers,
    write_first_run,
)

if TYPE_CHECKING:
    import argparse

    from curl_cffi.requests import Session

    from aiwatch.app import AiwatchApp
    from aiwatch.refresh_run import RefreshOutcome


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # only for --version

    try:
        return version("aiwatch")
    except PackageNotFoundError:
        return "unknown"


# `aiwatch` alone, the everyday launch, as the parser reads it: no parser is built for it
# (importing argparse and building the parser cost ~5 ms of every start). A test holds this
# equal to what build_parser() reads from no arguments.
PLAIN_LAUNCH = {"version": False, "paths": False, "offline": False, "refresh": False,
                "session_tickers": (), "command": None}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace | SimpleNamespace:
    argv = sys.argv[1:] if argv is None else argv
    return build_parser().parse_args(argv) if argv else SimpleNamespace(**PLAIN_LAUNCH)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="aiwatch",
        description="A terminal watchlist for AI-cloud stocks: price and trend, earnings "
        "deltas, cloud market share and your thesis notes, checked against the numbers.",
        epilog="Keys: ←/→ move, enter detail, ? help, q quit. Files: see --paths.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--paths", action="store_true",
                        help="print where config, notes and cache live, then exit")
    parser.add_argument("--offline", action="store_true",
                        help="never touch the network: show the cache and the bundled snapshot")
    parser.add_argument("--refresh", action="store_true",
                        help="fetch everything at start, however fresh the cache is")
    parser.add_argument("--tickers", dest="session_tickers", type=ticker_list, default=(),
                        metavar="A,B", help="show these symbols for this session only "
                        "(the config is not changed)")
    commands = parser.add_subparsers(dest="command", metavar="{fetch,check,export}")
    fetch = commands.add_parser(
        "fetch", help="refresh the cache from Yahoo and exit (for cron)",
        description="Fetch what is stale into the cache the app opens with, print one line "
        "and exit: 0 when something was fetched or all was fresh, 1 when nothing could be.")
    fetch.add_argument("--tickers", help="comma-separated tickers (default: the watchlist)")
    fetch.add_argument("--force", action="store_true", help="fetch however fresh the cache is")
    fetch.add_argument("--quotes-only", action="store_true",
                       help="only the latest quotes (one request per 50 tickers)")
    fetch.add_argument("--history", choices=("1y", "5y"), default="1y",
                       help="5y: five years of daily closes for the tickers, however fresh "
                       "(the detail screen's 5Y)")
    fetch.add_argument("--fx", type=fx_list, default=(), metavar="HKDUSD=X,…",
                       help="also the quotes of these currency pairs (for positions; cached "
                       "as quotes under the pair's symbol)")
    fetch.add_argument("--events", action="store_true",
                       help="print one JSON line per ticker as it lands (the app reads these)")
    check = commands.add_parser(
        "check", help="print every thesis check from the cache; exit 1 if any fails",
        description="Judge every check of the watchlist's notes against what the cache and "
        "the bundled data hold (no network, no UI). Exit 0: none fails; 1: one fails or "
        "cannot be read; 2: bad arguments.")
    check.add_argument("--tickers", type=ticker_list, default=(), metavar="A,B",
                       help="these symbols (default: the watchlist)")
    export = commands.add_parser(
        "export", help="print what the watchlist knows as csv, json or md",
        description="Every figure with its currency, basis, provenance, as-of date and "
        "source, from the cache and the bundled data (no network unless --refresh).")
    export.add_argument("--format", choices=("csv", "json", "md"), default="csv")
    export.add_argument("--tickers", type=ticker_list, default=(), metavar="A,B",
                        help="these symbols (default: the watchlist)")
    export.add_argument("--refresh", dest="refresh_first", action="store_true",
                        help="fetch what is stale first")
    return parser


def ticker_list(text: str) -> tuple[str, ...]:
    """`--tickers NVDA,ORCL`: symbols checked as the config's are; bad ones named."""
    import argparse  # only while the parser runs

    tickers, bad = parse_tickers(text)
    if bad:
        raise argparse.ArgumentTypeError(f"not ticker symbols: {', '.join(map(repr, bad))}")
    if not tickers:
        raise argparse.ArgumentTypeError("no symbols given")
    return tickers


FX_PAIR = "[A-Z]{3}(?:[A-Z]{3})?=X"  # Yahoo's HKDUSD=X, or HKD=X (from USD); compiled on use
FETCH_NICENESS = 10  # added to a fetch's nice value: below the UI, the same as `nice aiwatch fetch`


def fx_list(text: str) -> tuple[str, ...]:
    """`--fx HKDUSD=X,EURUSD=X`: Yahoo's currency-pair symbols; anything else named."""
    import argparse  # only while the parser runs

    pairs = tuple(dict.fromkeys(p.strip().upper() for p in text.split(",") if p.strip()))
    bad = [p for p in pairs if not re.fullmatch(FX_PAIR, p)]
    if bad:
        raise argparse.ArgumentTypeError(f"not currency pairs: {', '.join(map(repr, bad))}")
    return pairs


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_app(
    clock: Callable[[], datetime] = utc_now,
    *,
    offline: bool = False,
    force_refresh: bool = False,
    session: Session | None = None,
    tickers: tuple[str, ...] = (),
) -> AiwatchApp:
    """The app with its real services. Tests pass a fixed clock and a fake HTTP session (tmp
    XDG dirs come from the environment); `offline` builds no fetcher at all.

    Without a session the app fetches in a child process (`aiwatch fetch`), so yfinance and
    pandas never load in it; a test's fake session can only serve this process, so with one
    the same refresh runs in a thread here."""
    from aiwatch.app import AiwatchApp, Services
    from aiwatch.sources.snapshot import load_snapshot
    from aiwatch.store.notes import NotesStore

    cache = Cache(locations.cache_file())
    snapshot = load_snapshot(user_dir=locations.user_data_files_dir())
    fetcher: Fetcher | None = None
    if session is not None and not offline:
        from aiwatch.sources.yahoo import YahooSource

        source = YahooSource(locations.yfinance_cache_dir(), session=session, clock=clock)
        fetcher = InProcessFetcher(Refresher(cache, source, clock))
    elif not offline:
        fetcher = SubprocessFetcher()
    config_path, problems = locations.config_file(), []
    if not tickers:
        try:
            write_first_run(config_path)
        except OSError as exc:  # the app runs on the defaults; say why nothing was kept
            problems.append(f"cannot write {config_path}: {exc.strerror or exc}")
    config = load_config(config_path)
    services = Services(
        snapshot=snapshot,
        notes=NotesStore(locations.notes_dir(), locations.bundled_data_dir() / "theses"),
        config=with_session_tickers(config, tickers) if tickers else config,
        startup_problems=tuple(problems),
        refresher=Refresher(cache, None, clock),
        clock=clock,
        force_first_refresh=force_refresh,
        fetcher=fetcher,
        config_path=config_path,
    )
    return AiwatchApp(services)


def fetch(args: argparse.Namespace, clock: Callable[[], datetime] = utc_now,
          session: Session | None = None) -> int:
    """`aiwatch fetch`: refresh the cache and say how it went in one line; the exit status."""
    config = load_config(locations.config_file())
    tickers = ([t.strip().upper() for t in args.tickers.split(",") if t.strip()]
               if args.tickers else list(config.tickers))
    from aiwatch.sources.yahoo import YahooSource  # not in the UI process: see make_app

    cache = Cache(locations.cache_file())
    source = YahooSource(locations.yfinance_cache_dir(), session=session, clock=clock)
    landed: dict[str, set[str]] = {}

    def report(event: FetchEvent) -> None:
        if event.part:
            landed.setdefault(event.part, set()).add(event.ticker)
        if args.events:
            print(event.to_json(), flush=True)

    try:
        outcome = Refresher(cache, source, clock).refresh(
            tickers, args.force, quotes_only=args.quotes_only, on_event=report, fx=args.fx,
            history=args.history)
    finally:
        cache.close()
    line, status = fetch_summary(outcome, landed, len(tickers), len(args.fx))
    if args.events:
        until = outcome.backoff_until
        print(FetchEvent(done=True, message=outcome.message, backoff_until=until).to_json(),
              flush=True)
    else:
        print(line, file=sys.stdout if status == 0 else sys.stderr)
    return status


def yield_cpu() -> None:
    """A fetch is background work (the app's child, or cron's): where the CPU is short, the
    scheduler serves the UI first. On 2 cores, the fetch's threads parsing Yahoo's answers
    held the UI's loop up while it applied what had landed."""
    if hasattr(os, "nice"):  # not on Windows
        with suppress(OSError):  # not allowed here: the fetch runs as it is
            os.nice(FETCH_NICENESS)


def fetch_summary(outcome: RefreshOutcome, landed: dict[str, set[str]],
                  count: int, fx_count: int = 0) -> tuple[str, int]:
    """The one line `aiwatch fetch` prints, and its exit status (1: nothing could be fetched)."""
    parts = [f"{what} {len(tickers)}/{fx_count if what == 'fx' else count}"
             for what, tickers in sorted(landed.items())]
    if not parts and (outcome.errors or outcome.backoff_until or outcome.message):
        return f"aiwatch fetch: nothing fetched: {outcome.message or 'no data'}", 1
    done = ", ".join(parts) if parts else f"all {count} tickers fresh, nothing to fetch"
    return f"aiwatch fetch: {done}" + (f" ({outcome.message})" if outcome.message else ""), 0


def report(args: argparse.Namespace, clock: Callable[[], datetime] = utc_now,
           session: Session | None = None) -> int:
    """`aiwatch check` and `aiwatch export`: print from what is known; the exit status."""
    from aiwatch.export import check_report, figure_rows, to_csv, to_json, to_markdown
    from aiwatch.known import known_summaries
    from aiwatch.sources.snapshot import load_snapshot
    from aiwatch.store.notes import NotesStore

    tickers = list(args.tickers or load_config(locations.config_file()).tickers)
    cache = Cache(locations.cache_file())
    try:
        if getattr(args, "refresh_first", False) and not args.offline:
            from aiwatch.sources.yahoo import YahooSource

            source = YahooSource(locations.yfinance_cache_dir(), session=session, clock=clock)
            outcome = Refresher(cache, source, clock).refresh(tickers)
            if outcome.message:
                print(f"aiwatch {args.command}: {outcome.message}", file=sys.stderr)
        snapshot = load_snapshot(user_dir=locations.user_data_files_dir())
        notes = NotesStore(locations.notes_dir(), locations.bundled_data_dir() / "theses")
        summaries, problems = known_summaries(tickers, snapshot, Refresher(cache, None, clock),
                                              notes, clock())
    finally:
        cache.close()
    for problem in problems:
        print(f"aiwatch {args.command}: {problem}", file=sys.stderr)
    if args.command == "check":
        lines, failed = check_report(summaries)
        print("\n".join(lines) if lines else "no checks in the notes")
        return 1 if failed or problems else 0
    rows = [row for summary in summaries for row in figure_rows(summary)]
    writers = {"csv": lambda: to_csv(rows), "json": lambda: to_json(rows),
               "md": lambda: to_markdown(summaries, f"{clock():%Y-%m-%d %H:%M} UTC")}
    sys.stdout.write(writers[args.format]())
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.version:
        print(f"aiwatch {package_version()}")
        return
    if args.paths:
        for name, path in locations.all_paths().items():
            print(f"{name:>13}: {path}")
        return
    if args.command == "fetch":
        if args.offline:
            print("aiwatch fetch: nothing fetched: offline", file=sys.stderr)
            sys.exit(1)
        yield_cpu()
        sys.exit(fetch(args))
    if args.command in ("check", "export"):
        sys.exit(report(args))
    # No collector passes until the first frame is on screen (the app turns it back on then):
    # start-up's imports and widgets made ~90k objects, and its passes over them cost
    # 70-110 ms of the first frame (profiled); they leave ~2k objects of garbage.
    gc.disable()
    app = make_app(offline=args.offline, force_refresh=args.refresh, tickers=args.session_tickers)
    app.run()
    if app.return_code:  # Textual's mark of an unhandled exception (it printed the traceback)
        sys.exit(report_crash(app._exception, app.return_code))


def report_crash(error: BaseException | None, code: int) -> int:
    """Keep the whole traceback in the crash log, say so on one last line; the exit status."""
    if error is None:
        return code
    path = locations.log_file()
    first_line = next(iter(str(error).splitlines()), "")
    headline = f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"aiwatch {package_version()} crashed at {utc_now():%Y-%m-%d %H:%M:%S} UTC\n\n"
            + "".join(traceback.format_exception(error)), encoding="utf-8")
        where = f"details in {locations.display_path(path)}"
    except OSError as exc:
        where = f"could not write {path}: {exc.strerror or exc}"
    print(f"aiwatch crashed: {headline} — {where}", file=sys.stderr)
    return 1
