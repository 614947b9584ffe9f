"""Command line: parse arguments, build the app from its services, run it."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aiwatch import locations
from aiwatch.app import AiwatchApp, Services
from aiwatch.refresh import Refresher
from aiwatch.sources.snapshot import load_snapshot
from aiwatch.sources.yahoo import YahooSource
from aiwatch.store.cache import Cache
from aiwatch.store.config import load_config
from aiwatch.store.notes import NotesStore

if TYPE_CHECKING:
    from curl_cffi.requests import Session


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # only for --version

    try:
        return version("aiwatch")
    except PackageNotFoundError:
        return "unknown"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
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
    return parser.parse_args(argv)


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_app(
    clock: Callable[[], datetime] = utc_now,
    *,
    offline: bool = False,
    force_refresh: bool = False,
    session: Session | None = None,
) -> AiwatchApp:
    """The app with its real services. Tests pass a fixed clock and a fake HTTP session (tmp
    XDG dirs come from the environment); `offline` builds no Yahoo source at all."""
    cache = Cache(locations.cache_file())
    snapshot = load_snapshot(user_dir=locations.user_data_files_dir())
    source = None if offline else YahooSource(
        locations.yfinance_cache_dir(), session=session, clock=clock)
    services = Services(
        snapshot=snapshot,
        notes=NotesStore(locations.notes_dir(), locations.bundled_data_dir() / "theses"),
        config=load_config(locations.config_file()),
        refresher=Refresher(cache, source, clock),
        clock=clock,
        force_first_refresh=force_refresh,
    )
    return AiwatchApp(services)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.version:
        print(f"aiwatch {package_version()}")
        return
    if args.paths:
        for name, path in locations.all_paths().items():
            print(f"{name:>13}: {path}")
        return
    app = make_app(offline=args.offline, force_refresh=args.refresh)
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
