"""Instructions to the first frame (callgrind), for the start-up rows of issue 11's table.

Run:  PYTHONPATH=tui python benchmarks/instructions.py [bare warm4 empty cached100]

Wall-clock start-up on a shared machine swings by a third from run to run; an instruction
count repeats to within 0.5%, so it shows what a change to start-up did. Each case runs once
under `valgrind --tool=callgrind` in a pty (as bench.py runs it: 160x45, refresh on, the
local Yahoo replay) and exits as its first frame is written. Slow: ~15 s a case.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from bench import KNOWN, MANY, Home, Proc
from yahoo_replay import Replay

HERE = Path(__file__).resolve().parent
CASES = ("bare", "warm4", "empty", "cached100")


def count(which: str, home: Home) -> int:
    with tempfile.TemporaryDirectory() as out:
        log = Path(out) / "callgrind.out"
        proc = Proc(["valgrind", "--tool=callgrind", f"--callgrind-out-file={log}",
                     sys.executable, str(HERE / "first_frame.py"),
                     "bare" if which == "bare" else "aiwatch"], home.env)
        proc.popen.wait(timeout=600)
        proc.kill()
        found = re.search(r"^(?:summary|totals): (\d+)", log.read_text(), re.M)
        if found is None:
            raise SystemExit(f"{which}: callgrind wrote no total")
        return int(found.group(1))


def main(cases: list[str]) -> None:
    replay = Replay().start()
    homes = {"warm4": Home(KNOWN, replay.base, fill=True),
             "cached100": Home(MANY, replay.base, fill=True)}
    homes["bare"] = homes["warm4"]
    counts: dict[str, int] = {}
    try:
        for which in cases:
            home = homes.get(which) or Home(KNOWN, replay.base, fill=False)
            counts[which] = count(which, home)
            if which == "empty":
                home.remove()
            ratio = ""
            if which == "cached100" and "warm4" in counts:
                ratio = f"  {counts[which] / counts['warm4']:.2f}× warm4"
            elif which != "bare" and "bare" in counts:
                ratio = f"  {counts[which] / counts['bare']:.2f}× bare"
            print(f"{which:>10}: {counts[which] / 1e9:.3f} G instructions{ratio}", flush=True)
    finally:
        homes["warm4"].remove()
        homes["cached100"].remove()


if __name__ == "__main__":
    wanted = sys.argv[1:] or list(CASES)
    unknown = [w for w in wanted if w not in CASES]
    if unknown:
        raise SystemExit(f"unknown cases {unknown}; choose from {', '.join(CASES)}")
    main(wanted)
