"""Signals (fault probe cases 17-19, 22, 23): kill -9 never leaves a half-written cache or
note; SIGINT and SIGHUP end the app with the terminal given back and the notes as they were.

Real processes: a writer killed at random moments, the app in a pseudo-terminal.
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from faultkit import ALT_SCREEN_OFF, PtyApp, home_env, kill_hard

CACHE_WRITER = """
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from aiwatch.model import Origin, PriceHistory, Provenance, Quote
from aiwatch.store.cache import Cache
cache = Cache(Path(sys.argv[1]))
print("ready", flush=True)
origin = Origin(Provenance.LIVE, datetime(2026, 11, 25, tzinfo=UTC))
days = tuple(date(2025, 1, 1) + timedelta(days=n) for n in range(250))
for n in range(100000):  # until killed; a refresh's writes, over and over
    for ticker in ("BABA", "AMZN", "MSFT", "GOOGL"):
        cache.put_history(PriceHistory(ticker, days, tuple(float(n + d) for d in range(250)),
                                       origin))
        cache.put_quote(Quote(ticker, float(n), None, "USD", origin.as_of, origin))
"""

NOTE_WRITER = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from aiwatch.store.notes import NotesStore
store = NotesStore(Path(sys.argv[1]), Path(sys.argv[1]))
versions = [Path(name).read_text() for name in sys.argv[2:]]
print("ready", flush=True)
for n in range(100000):  # ctrl+s, over and over, alternating two versions
    note = store.read("BABA")
    store.save(type(note)("BABA", versions[n % 2], note.mtime_ns),
               datetime(2026, 11, 25, tzinfo=UTC))
"""


def killed_at_random(script: str, args: list[str], env: dict[str, str], rng: random.Random,
                     prefix: tuple[str, ...] = ()) -> None:
    """Start the writer, let it write for a random moment, kill -9 it."""
    writer = subprocess.Popen([*prefix, sys.executable, "-c", script, *args], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              start_new_session=True)  # so kill_hard reaches strace's child
    assert writer.stdout is not None and writer.stdout.readline().strip() == b"ready"
    time.sleep(rng.uniform(0.01, 0.25))
    kill_hard(writer)
    writer.stdout.close()


def integrity(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


@pytest.mark.probe(17)
def test_kill_9_while_writing_the_cache_leaves_it_whole(tmp_home: Path) -> None:
    from aiwatch.store.cache import Cache

    path = tmp_home / "cache" / "aiwatch" / "cache.sqlite3"
    rng = random.Random(17)
    for _ in range(5):
        killed_at_random(CACHE_WRITER, [str(path)], home_env(tmp_home), rng)
        assert integrity(path) == "ok"

    cache = Cache(path)
    assert cache.problem == "" and cache.get_quote("MSFT") is not None
    cache.close()
    assert not list(path.parent.glob("*corrupt*"))


@pytest.mark.probe(18)
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace to slow fsync down")
def test_kill_9_inside_a_slow_fsync_leaves_the_cache_whole(tmp_home: Path) -> None:
    path = tmp_home / "cache" / "aiwatch" / "cache.sqlite3"
    slow = ("strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=fsync,fdatasync",
            "-e", "inject=fsync,fdatasync:delay_enter=150000")
    probe = subprocess.run([*slow, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"strace cannot trace here: {probe.stderr.decode().strip()}")
    rng = random.Random(18)
    for _ in range(4):  # mostly inside fsync: each takes 0.15 s
        killed_at_random(CACHE_WRITER, [str(path)], home_env(tmp_home), rng, slow)
        assert integrity(path) == "ok"


@pytest.mark.probe(19)
def test_kill_9_while_saving_a_note_leaves_the_old_or_the_new(tmp_home: Path) -> None:
    notes = tmp_home / "data" / "aiwatch" / "notes"
    old, new = "old thesis\n" + "a" * 340_000, "new thesis\n" + "b" * 340_000
    notes.mkdir(parents=True)
    (notes / "BABA.md").write_text(old)
    (tmp_home / "old").write_text(old)
    (tmp_home / "new").write_text(new)
    rng = random.Random(19)
    for _ in range(5):
        killed_at_random(NOTE_WRITER, [str(notes), str(tmp_home / "old"), str(tmp_home / "new")],
                         home_env(tmp_home), rng)
        assert (notes / "BABA.md").read_text() in (old, new)


@pytest.fixture
def app_in_a_pty(tmp_home: Path) -> Iterator[PtyApp]:
    app = PtyApp(tmp_home)
    yield app
    app.close()


@pytest.mark.probe(22)
def test_sigint_ends_the_app_and_gives_the_terminal_back(app_in_a_pty: PtyApp) -> None:
    assert app_in_a_pty.painted()
    app_in_a_pty.signal(signal.SIGINT)

    assert app_in_a_pty.wait() == 0
    assert ALT_SCREEN_OFF in app_in_a_pty.screen
    assert app_in_a_pty.tty_echoes()


@pytest.mark.probe(23)
def test_sighup_in_the_editor_ends_the_app_and_keeps_the_note(
        app_in_a_pty: PtyApp, tmp_home: Path) -> None:
    note = tmp_home / "data" / "aiwatch" / "notes" / "BABA.md"
    assert app_in_a_pty.painted()
    before = note.read_bytes()
    app_in_a_pty.send(b"n")
    assert app_in_a_pty.read_until("Note · BABA".encode())
    app_in_a_pty.send(b"unsaved words")
    time.sleep(0.2)

    app_in_a_pty.signal(signal.SIGHUP)  # what closing the terminal sends

    assert app_in_a_pty.wait(timeout=2) is not None
    assert note.read_bytes() == before
