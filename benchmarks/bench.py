"""Issue 11's table, measured in a real terminal (a pty) against a bare Textual app.

Run:  PYTHONPATH=tui python benchmarks/bench.py [--runs 7] [--latency-ms 20] [--rows ...]

Every process runs in its own pty (160x45, TERM=xterm-256color), as `aiwatch` does in a
terminal, with refresh on (not --offline) against benchmarks/yahoo_replay.py: a local HTTP
replay of Yahoo, so no network. Start-up time is from spawning the process to the pty showing a
known string (the bare app's "hello", a card's "Thesis"); runs alternate between the bare app
and each case, and the table shows medians and ratios to the bare app's median in this run.
CPU per key is the app process's utime+stime (/proc/<pid>/stat) over 20 presses of →, less
the same idle span's. The loop stall comes from benchmarks/instrumented.py's probe.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Iterator
from fcntl import ioctl
from pathlib import Path

from yahoo_replay import Replay

HERE = Path(__file__).resolve().parent
COLS, ROWS = 160, 45
TIMEOUT = 120.0
RIGHT = b"\x1b[C"
KEYS = 20
CLK_TCK = os.sysconf("SC_CLK_TCK")
KNOWN = ("MSFT", "AMZN", "GOOGL", "BABA")
MANY = KNOWN + tuple(f"T{n:02d}" for n in range(96))

BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
Bare().run()
"""



class Proc:
    """A process in its own pty; a thread drains its output so it never blocks writing."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.start = time.time()
        self.popen = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                      start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self.seen: dict[bytes, float] = {}
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if not ready:
                if self.popen.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            now = time.time()
            with self.lock:
                self.output += chunk
                tail = bytes(self.output[-len(chunk) - 64:])
                for marker in list(self.seen):
                    if not self.seen[marker] and marker in tail:
                        self.seen[marker] = now

    def wait_for(self, marker: bytes, timeout: float = TIMEOUT) -> float:
        """Seconds from spawning to `marker` first appearing in the output."""
        with self.lock:
            self.seen.setdefault(marker, 0.0)
            if marker in self.output and not self.seen[marker]:
                self.seen[marker] = time.time()
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if self.seen[marker]:
                    return self.seen[marker] - self.start
            if self.popen.poll() is not None:
                break
            time.sleep(0.002)
        text = bytes(self.output[-2000:]).decode(errors="replace")
        raise RuntimeError(f"{marker!r} never appeared; the output ended with:\n{text}")

    def cpu(self) -> float:
        """CPU seconds (user + system) the process has used."""
        stat = Path(f"/proc/{self.popen.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def kill(self) -> None:
        """Kill the process, and its descendants: the app's fetch child runs in its own session
        (out of the process group) and would otherwise go on for a moment, competing with the
        next case's start-up."""
        children = descendants(self.popen.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.popen.wait()
        wait_gone(children)
        self.reader.join(2)
        with contextlib.suppress(OSError):
            os.close(self.master)


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (from /proc/<pid>/task/*/children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):
            for child in map(int, (task / "children").read_text().split()):
                found += [child, *descendants(child)]
    return found


def wait_gone(pids: list[int], timeout: float = 5.0) -> None:
    """Wait until none of `pids` runs (gone, or a zombie its new parent has yet to reap)."""
    deadline = time.time() + timeout
    for pid in pids:
        while time.time() < deadline:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                break
            if state == "Z":
                break
            time.sleep(0.005)


class Home:
    """A throwaway HOME with its XDG dirs, a config of `tickers`, maybe a filled cache."""

    def __init__(self, tickers: tuple[str, ...], replay: str, fill: bool) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="aiwatch-bench-"))
        self.log = self.path / "probe.jsonl"
        self.env = dict(
            os.environ, HOME=str(self.path), XDG_CONFIG_HOME=f"{self.path}/c",
            XDG_DATA_HOME=f"{self.path}/d", XDG_CACHE_HOME=f"{self.path}/k",
            TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS),
            AIWATCH_YAHOO_REPLAY=replay, AIWATCH_BENCH_LOG=str(self.log),
        )
        self.env.pop("TEXTUAL", None)
        if tickers != KNOWN:
            config = self.path / "c" / "aiwatch" / "config.toml"
            config.parent.mkdir(parents=True)
            config.write_text("tickers = [" + ", ".join(f'"{t}"' for t in tickers) + "]\n")
        if fill:
            # The fetch the app runs, forced: every part of every ticker in the cache. (Until
            # 2026-11-25 evening this asked the app's own refresher, which has no source since
            # the fetch moved to a child process: nothing was filled, and the "warm" homes
            # were filled by a launch killed at its first paint, if at all.)
            subprocess.run([sys.executable, "-m", "aiwatch", "fetch", "--force"], env=self.env,
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            settle(self)  # the first launch writes every ticker's note; not counted

    def probe(self) -> list[dict[str, float]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def aiwatch(home: Home) -> Proc:
    home.log.unlink(missing_ok=True)
    return Proc([sys.executable, str(HERE / "instrumented.py")], home.env)


def settle(home: Home, after: float = 3.0) -> None:
    """A launch left to run `after` seconds past its first paint: the notes of the tickers
    past the first screenful are written after that paint (until 2026-11-26 the first launch
    was killed at its paint, and each timed launch of "100 cached" wrote 96 notes again)."""
    proc = aiwatch(home)
    try:
        proc.wait_for(b"Thesis")
        time.sleep(after)
    finally:
        proc.kill()


def run_until_paint(home: Home) -> float:
    proc = aiwatch(home)
    try:
        return proc.wait_for(b"Thesis")
    finally:
        proc.kill()


def bare_paint(env: dict[str, str]) -> float:
    proc = Proc([sys.executable, "-c", BARE], env)
    try:
        return proc.wait_for(b"hello")
    finally:
        proc.kill()


def startup_rows(runs: int, replay: Replay) -> Iterator[tuple[str, float, str]]:
    warm4 = Home(KNOWN, replay.base, fill=True)
    many = Home(MANY, replay.base, fill=True)
    cases: dict[str, Callable[[], float]] = {
        "bare": lambda: bare_paint(warm4.env),
        "warm4": lambda: run_until_paint(warm4),
        "empty": empty_home_paint(replay),
        "cached100": lambda: run_until_paint(many),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, case in cases.items():
            times[name].append(case())
    med = {name: statistics.median(values) for name, values in times.items()}
    bare = med["bare"]
    yield "bare Textual app painting one line", bare, "1.00× (the unit)"
    yield ("warm start, 4 tickers, refresh on", med["warm4"],
           f"{med['warm4'] / bare:.2f}× bare")
    yield "first run, empty home", med["empty"], f"{med['empty'] / bare:.2f}× bare"
    yield ("100 cached tickers", med["cached100"],
           f"{med['cached100'] / bare:.2f}× bare, {med['cached100'] / med['warm4']:.2f}× 4 tickers")
    warm4.remove()
    many.remove()


def empty_home_paint(replay: Replay) -> Callable[[], float]:
    def run() -> float:
        home = Home(KNOWN, replay.base, fill=False)
        try:
            return run_until_paint(home)
        finally:
            home.remove()
    return run


def key_cpu(home: Home, settle: float = 3.0, gap: float = 0.1) -> tuple[float, float]:
    """CPU seconds per → press, less what the app uses idle over as long; and the longest
    loop turn that began after the first paint, in the `settle` seconds after it (the rest
    of the list read and its cards built, the start-up refresh)."""
    proc = aiwatch(home)
    try:
        paint = proc.start + proc.wait_for(b"Thesis")
        time.sleep(settle)
        after_paint = max((e["lag"] for e in home.probe() if "lag" in e
                           and paint <= e["t"] - e["lag"] and e["t"] <= paint + settle),
                          default=0.0)
        span = KEYS * gap + 0.5
        before = proc.cpu()
        time.sleep(span)
        idle = proc.cpu() - before
        before = proc.cpu()
        for _ in range(KEYS):
            proc.send(RIGHT)
            time.sleep(gap)
        time.sleep(0.5)
        return max(proc.cpu() - before - idle, 0.0) / KEYS, after_paint
    finally:
        proc.kill()


def key_rows(runs: int, replay: Replay) -> Iterator[tuple[str, float, str]]:
    four = Home(KNOWN, replay.base, fill=True)
    many = Home(MANY, replay.base, fill=True)
    results: dict[str, list[float]] = {"4": [], "100": []}
    turns: list[float] = []
    for _ in range(runs):
        results["4"].append(key_cpu(four)[0])
        per_key, after_paint = key_cpu(many)
        results["100"].append(per_key)
        turns.append(after_paint)
    for name, values in results.items():
        ms = statistics.median(values) * 1000
        yield (f"focus key (→), CPU per press, {name} cards", ms / 1000,
               f"{ms:.1f} ms (range {min(values) * 1000:.0f}–{max(values) * 1000:.0f})")
    ms = statistics.median(turns) * 1000
    yield ("longest loop turn in the 3 s after the first paint, 100 cached", ms / 1000,
           f"{ms:.0f} ms (range {min(turns) * 1000:.0f}–{max(turns) * 1000:.0f}; "
           "a row of our own)")
    four.remove()
    many.remove()


def cold_refresh(tickers: tuple[str, ...], replay: Replay) -> tuple[float, float, float, float]:
    """Seconds to the end of a first refresh from an empty home, the longest loop stall from
    a second after the first paint to a second after the refresh, and the RSS then (MB)."""
    home = Home(tickers, replay.base, fill=False)
    proc = aiwatch(home)
    try:
        paint = proc.start + proc.wait_for(b"Thesis")
        deadline = time.time() + TIMEOUT * 3
        done = None
        while done is None and time.time() < deadline:
            time.sleep(0.05)
            done = next((e["refreshed"] for e in home.probe() if "refreshed" in e), None)
        if done is None:
            raise RuntimeError("the refresh never finished")
        time.sleep(1.0)
        rss = proc.rss_mb()
        lags = [e["lag"] for e in home.probe()
                if "lag" in e and paint + 1.0 <= e["t"] <= done + 1.0]
        return done - proc.start, max(lags, default=0.0), rss, paint - proc.start
    finally:
        proc.kill()
        home.remove()


def refresh_rows(runs: int, latency_runs: int, latency_ms: float,
                 replay: Replay, slow: Replay) -> Iterator[tuple[str, float, str]]:
    bare = statistics.median(bare_paint(dict(os.environ, TERM="xterm-256color"))
                             for _ in range(3))
    for server, count, label in ((replay, runs, "no latency"),
                                 (slow, latency_runs, f"{latency_ms:.0f} ms per request")):
        if count == 0:  # --latency-runs 0: that half of the rows is skipped
            continue
        four, many = [], []
        for _ in range(count):
            four.append(cold_refresh(KNOWN, server))
            many.append(cold_refresh(MANY, server))
        t4 = statistics.median(r[0] for r in four)
        t100 = statistics.median(r[0] for r in many)
        yield (f"cold refresh, 4 tickers, {label}", t4, f"{t4 / bare:.1f}× bare")
        yield (f"cold refresh, 100 tickers, {label}", t100,
               f"{t100 / t4:.2f}× the 4-ticker refresh")
        if server is replay:
            stall = statistics.median(r[1] for r in many)
            rss = statistics.median(r[2] for r in many)
            yield ("event-loop stall while results are applied, 100 tickers", stall,
                   f"{stall * 1000:.0f} ms (max over {count} runs "
                   f"{max(r[1] for r in many) * 1000:.0f} ms)")
            yield ("UI process memory after a refresh (RSS), 100 tickers", rss, f"{rss:.0f} MB")
            rss4 = statistics.median(r[2] for r in four)
            yield ("UI process memory after a refresh (RSS), 4 tickers", rss4, f"{rss4:.0f} MB")


def byte_compiled() -> list[str]:
    """Byte-compile the aiwatch measured, as installing it does (pip writes the .pyc files).
    Run from a checkout with PYTHONDONTWRITEBYTECODE set, every start compiled its ~40 modules
    from source (~0.12 s CPU) that neither an installed aiwatch nor the bare app (Textual's
    own .pyc are installed) pays. Returns the packages compiled."""
    import compileall

    found = [Path(p) / "aiwatch" for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
             if p and (Path(p) / "aiwatch").is_dir()]
    for package in found:
        compileall.compile_dir(package, quiet=1)
    return [str(p) for p in found]


def main() -> None:
    parser = argparse.ArgumentParser(description="issue 11's table")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--refresh-runs", type=int, default=3,
                        help="cold refreshes without latency (100 tickers take a minute today)")
    parser.add_argument("--latency-runs", type=int, default=1)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--rows", nargs="*", default=["startup", "keys", "refresh"],
                        choices=["startup", "keys", "refresh"])
    args = parser.parse_args()
    print(f"byte-compiled: {', '.join(byte_compiled()) or 'nothing (not on PYTHONPATH)'}")
    replay = Replay().start()
    slow = Replay(latency=args.latency_ms / 1000).start()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    rows: list[Iterator[tuple[str, float, str]]] = []
    if "startup" in args.rows:
        rows.append(startup_rows(args.runs, replay))
    if "keys" in args.rows:
        rows.append(key_rows(args.runs, replay))
    if "refresh" in args.rows:
        rows.append(refresh_rows(args.refresh_runs, args.latency_runs, args.latency_ms,
                                 replay, slow))
    print("| | median | as a ratio |\n|---|---|---|")
    for group in rows:
        for name, seconds, ratio in group:
            print(f"| {name} | {seconds:.3f} | {ratio} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
