"""Running aiwatch as a real process for the fault tests: in a pseudo-terminal, or a script
with the app headless, with its own home. Only the code under test is on PYTHONPATH."""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

import aiwatch

TUI = Path(aiwatch.__file__).resolve().parent.parent  # the tree under test, not an install
# Make the pty the process's controlling terminal (as a terminal emulator does), then run.
PTY_MAIN = ("import fcntl, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
            "from aiwatch.cli import main; main()")
ALT_SCREEN_OFF = b"\x1b[?1049l"


def home_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a process whose every aiwatch dir is under `home`."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("EDITOR", "VISUAL", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST")}
    env.update(PYTHONPATH=str(TUI), HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
               TERM="xterm-256color", LANG="C.UTF-8")
    env.update(extra)
    return env


class PtyApp:
    """`aiwatch --offline` in a pseudo-terminal of `size`; its output is kept in `screen`."""

    def __init__(self, home: Path, env: dict[str, str] | None = None,
                 size: tuple[int, int] = (160, 45), args: Sequence[str] = ("--offline",)) -> None:
        self.master, self.slave = os.openpty()
        cols, rows = size
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = b""
        self.process = subprocess.Popen(
            [sys.executable, "-c", PTY_MAIN, *args], stdin=self.slave, stdout=self.slave,
            stderr=self.slave, env=env or home_env(home), start_new_session=True)

    def read_until(self, *needles: bytes, timeout: float = 15) -> bool:
        """Read the output until every needle has appeared (True) or the time is up."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if all(n in self.screen for n in needles):
                return True
            self._read(0.05)
        return all(n in self.screen for n in needles)

    def painted(self) -> bool:
        """The four default cards are on the screen."""
        return self.read_until(b"BABA", b"AMZN", b"MSFT", b"GOOGL")

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float = 5) -> int | None:
        """The exit status, reading the output meanwhile; None if it is still running."""
        end = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < end:
            self._read(0.05)
        self._read(0)
        return self.process.poll()

    def tty_echoes(self) -> bool:
        """The terminal is back in cooked mode: it echoes and reads lines."""
        lflag = termios.tcgetattr(self.slave)[3]
        return bool(lflag & termios.ECHO and lflag & termios.ICANON)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
        os.close(self.slave)

    def _read(self, timeout: float) -> None:
        while select.select([self.master], [], [], timeout)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the other side is gone
                return
            if not chunk:
                return
            self.screen += chunk
            timeout = 0


def run_headless(script: str, home: Path, prefix: Sequence[str] = (), args: Sequence[str] = (),
                 timeout: float = 30) -> dict[str, object]:
    """Run `script` (which prints one JSON object last) as its own process; its answer."""
    done = subprocess.run([*prefix, sys.executable, "-c", script, *args], env=home_env(home),
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    """kill -9 the process and everything in its session: a writer run under strace is the
    tracer's child, and killing the tracer alone leaves it writing on (seen: a dozen leftover
    writers slowing every later run)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.send_signal(signal.SIGKILL)
    process.wait()
