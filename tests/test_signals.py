"""SIGTERM: the terminal gets its screen, mouse and echo back, and unsaved editor text is kept
beside its note and named at the next start. The real app, in a real pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from aiwatch.screens.notes import NotesScreen

TUI = Path(__file__).resolve().parent.parent / "tui"
ALT_SCREEN_OFF = b"\x1b[?1049l"
MOUSE_OFF = b"\x1b[?1000l"


class Pty:
    """`aiwatch --offline` on a 120x40 pseudo-terminal, with a tmp home."""

    def __init__(self, home: Path) -> None:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
               "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
               "XDG_CACHE_HOME": str(home / "cache"), "TERM": "xterm-256color",
               "PYTHONPATH": str(TUI), "LANG": "C.UTF-8"}
        pid, fd = pty.fork()
        if pid == 0:  # the child: the app, as the console script runs it
            os.execve(sys.executable, [sys.executable, "-c",
                                       "from aiwatch.cli import main; main()", "--offline"], env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.pid, self.fd, self.out = pid, fd, b""

    def read_until(self, needle: bytes, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.out:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {needle!r} within {timeout} s: {self.out[-400:]!r}")
            self._read(0.2)

    def settle(self, quiet: float = 0.5) -> None:
        """Read until the app has drawn nothing for `quiet` seconds."""
        while self._read(quiet):
            pass

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def wait(self, timeout: float = 20) -> tuple[int, termios._Attr]:
        """Read to the end; the exit status and the terminal's modes as the app left them."""
        deadline = time.monotonic() + timeout
        modes = None
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                with _ignore_eio():
                    while self._read(0.1):
                        pass
                return os.waitstatus_to_exitcode(status), modes  # type: ignore[return-value]
            with _ignore_eio():
                modes = termios.tcgetattr(self.fd)
                self._read(0.1)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError(f"the app did not exit: {self.out[-400:]!r}")

    def close(self) -> None:
        with _ignore_eio():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        self.out += chunk
        return bool(chunk)


class _ignore_eio:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> bool:
        return kind is not None and issubclass(kind, (OSError, termios.error))


@pytest.mark.probe(21)
def test_sigterm_restores_the_terminal_and_keeps_unsaved_text(tmp_home: Path) -> None:
    home = tmp_home
    app = Pty(home)
    try:
        app.read_until(b"BABA")
        app.settle()
        app.send(b"n")
        app.read_until("Note · BABA".encode())
        app.settle()
        app.send(b"unsaved words")
        app.read_until(b"words")
        app.settle()
        painted = len(app.out)
        os.kill(app.pid, signal.SIGTERM)
        status, modes = app.wait()
    finally:
        app.close()

    tail = app.out[painted:]
    assert status == 143
    assert tail.rfind(ALT_SCREEN_OFF) > tail.rfind(b"\x1b[?1049h")
    assert ALT_SCREEN_OFF in tail and MOUSE_OFF in tail
    assert tail.rfind(MOUSE_OFF) > tail.rfind(b"\x1b[?1000h")
    lflag = modes[3]
    assert lflag & termios.ECHO and lflag & termios.ICANON, "echo and line mode restored"
    notes = home / "data" / "aiwatch" / "notes"
    [recovered] = notes.glob("BABA.md.recovered-*")
    assert recovered.read_text().startswith("unsaved words")
    assert "unsaved words" not in (notes / "BABA.md").read_text()


@pytest.mark.probe(21)
async def test_terminate_keeps_unsaved_text_and_the_next_start_says_so(
        make_test_app, tmp_home: Path) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        app.screen.query_one("#editor").text = "half a thought"
        app.terminate()
        await pilot.pause()
    assert app.return_code == 143
    notes = tmp_home / "data" / "aiwatch" / "notes"
    assert (notes / "BABA.md.recovered-20261125-150000").read_text() == "half a thought"

    again = make_test_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        expected = ("~/data/aiwatch/notes/BABA.md.recovered-20261125-150000 holds unsaved note "
                    "text from when aiwatch was stopped: merge it into the note, then delete it")
        assert [n.message for n in again._notifications if "recovered" in n.message] == [
            expected]
