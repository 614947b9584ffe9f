"""aiwatch as `aiwatch` runs it, plus a probe that logs to $AIWATCH_BENCH_LOG (for bench.py).

The probe is a task on the app's event loop that sleeps 5 ms at a time: any longer gap is the
loop being busy (a stall); it also notes when the status bar stops saying "refreshing". Lines are
JSON: {"lag": seconds, "t": wall time} and {"refreshed": wall time}. Nothing here changes the
app's behaviour; the product code carries no instrumentation.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

from aiwatch.app import AiwatchApp
from aiwatch.cli import main

TICK = 0.005
LOGGED_LAG = 0.010


async def probe(app: AiwatchApp, path: str) -> None:
    with open(path, "a", encoding="utf-8") as log:
        refreshing = False
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            lag = now - last - TICK
            last = now
            if lag > LOGGED_LAG:
                log.write(json.dumps({"lag": lag, "t": time.time()}) + "\n")
            busy = "refreshing" in app.status
            if refreshing and not busy:
                log.write(json.dumps({"refreshed": time.time()}) + "\n")
            refreshing = busy
            log.flush()


def install(path: str) -> None:
    """Start the probe when the app mounts (after its own on_mount)."""
    original = AiwatchApp.on_mount

    def on_mount(self: AiwatchApp) -> None:
        original(self)
        self._bench_probe = asyncio.get_running_loop().create_task(probe(self, path))

    AiwatchApp.on_mount = on_mount  # type: ignore[method-assign]


if __name__ == "__main__":
    if os.environ.get("AIWATCH_BENCH_LOG"):
        install(os.environ["AIWATCH_BENCH_LOG"])
    main(sys.argv[1:])
