"""Start-up time to first paint: aiwatch (cache filled, network off) against a bare Textual app.

Run:  python benchmarks/startup.py [runs]
Each run is a fresh process that starts the app headless, waits for the first full paint and
exits; the ratio to the bare app in the same run is what to compare across changes.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
async def first_paint(pilot):
    await pilot.pause()
    pilot.app.exit()
Bare().run(headless=True, size=(160, 45), auto_pilot=first_paint)
"""

AIWATCH = """
from aiwatch.cli import make_app
async def first_paint(pilot):
    await pilot.pause()
    assert pilot.app.summaries
    pilot.app.exit()
make_app(offline=True).run(headless=True, size=(160, 45), auto_pilot=first_paint)
"""

FILL = """
from aiwatch import locations
from aiwatch.model import Origin, Provenance
from aiwatch.sources.snapshot import load_snapshot
from aiwatch.store.cache import Cache
from msgspec.structs import replace
from datetime import datetime, UTC
snap = load_snapshot()
cache = Cache(locations.cache_file())
live = Origin(Provenance.LIVE, datetime.now(UTC))
for ticker, history in snap.histories.items():
    cache.put_history(replace(history, origin=live))
    cache.put_fundamentals(replace(snap.fundamentals[ticker], origin=live))
cache.close()
"""


def timed(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    home = tempfile.mkdtemp(prefix="aiwatch-bench-")
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=f"{home}/c", XDG_DATA_HOME=f"{home}/d",
               XDG_CACHE_HOME=f"{home}/k")
    subprocess.run([sys.executable, "-c", FILL], env=env, check=True)
    timed(AIWATCH, env)  # first run seeds the notes; not counted
    bare = [timed(BARE, env) for _ in range(runs)]
    ours = [timed(AIWATCH, env) for _ in range(runs)]
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare Textual app: {b:.3f} s (median of {runs})")
    print(f"aiwatch (cached): {o:.3f} s (median of {runs})")
    print(f"ratio: {o / b:.2f}")


if __name__ == "__main__":
    main()
