"""Command line: parse arguments, build the app from its services, run it."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

from aiwatch import locations
from aiwatch.app import AiwatchApp, Services
from aiwatch.sources.snapshot import load_snapshot
from aiwatch.store.config import load_config
from aiwatch.store.notes import NotesStore


def package_version() -> str:
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
    parser.add_argument("--version", action="version", version=f"aiwatch {package_version()}")
    parser.add_argument("--paths", action="store_true",
                        help="print where config, notes and cache live, then exit")
    return parser.parse_args(argv)


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_app(clock: Callable[[], datetime] = utc_now) -> AiwatchApp:
    """The app with its real services; tests call this with a fixed clock and tmp XDG dirs."""
    services = Services(
        snapshot=load_snapshot(),
        notes=NotesStore(locations.notes_dir(), locations.bundled_data_dir() / "theses"),
        config=load_config(locations.config_file()),
        clock=clock,
    )
    return AiwatchApp(services)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.paths:
        for name, path in locations.all_paths().items():
            print(f"{name:>13}: {path}")
        return
    make_app().run()
