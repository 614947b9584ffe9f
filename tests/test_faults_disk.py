"""Disk faults (fault probe cases 1-3): a home the app may not write and a full disk are said,
never fatal, and never cost a note.

Cases 1 and 2 run the app as a process that may not write its home: as root, with the
capabilities that let root write anywhere dropped (setpriv); as anyone else, on a 0555 home.
Case 3 fills a real 64 KB tmpfs in a private mount namespace where the machine allows it
(root, unshare), and simulates ENOSPC at the file's sync everywhere.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from faultkit import home_env, run_headless

from aiwatch.store.notes import Note, NotesError, NotesStore

RUN_APP = """
import asyncio, json, sys
from aiwatch.cli import make_app

async def save(app, pilot, out):
    await pilot.press("n")
    await pilot.pause()
    app.screen.query_one("#editor").text = "new words"
    await pilot.press("ctrl+s")
    await pilot.pause()
    out["saved"] = [n.message for n in app._notifications][len(out["notices"]):]
    out["screen"] = type(app.screen).__name__
    app.screen.query_one("#editor").text = app.screen.note.text  # nothing unsaved
    await pilot.press("escape")

async def main():
    app = make_app(offline=True)
    out = {}
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        out["price"] = app.summaries["BABA"].figures.quote.price
        out["notices"] = [n.message for n in app._notifications]
        if sys.argv[1:] == ["save"]:
            await save(app, pilot, out)
        await pilot.press("q")
        await pilot.pause()
    out["rc"] = app.return_code
    print(json.dumps(out))

asyncio.run(main())
"""
CAN_WRITE = "import sys; open(sys.argv[1] + '/probe', 'w')"
NO_DAC = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner")


def read_only(home: Path) -> tuple[str, ...]:
    """Make `home` unwritable for the process to come; the command prefix it runs with."""
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root writes anywhere and setpriv is missing to drop that")
        for path in [home, *home.rglob("*")]:
            os.chown(path, 65534, 65534, follow_symlinks=False)  # nobody's, not ours
        prefix: tuple[str, ...] = NO_DAC
    else:
        prefix = ()
    for path in [home, *home.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    refused = subprocess.run([*prefix, sys.executable, "-c", CAN_WRITE, str(home)],
                             capture_output=True, check=False).returncode != 0
    if not refused:
        pytest.skip(f"cannot make {home} read-only for the app on this machine")
    return prefix


def digests(home: Path) -> dict[str, str]:
    return {str(p.relative_to(home)): hashlib.md5(p.read_bytes()).hexdigest()
            for p in sorted(home.rglob("*")) if p.is_file()}


@pytest.fixture
def empty_home(tmp_path: Path) -> Path:
    home = tmp_path / "ro-home"
    home.mkdir()
    yield home
    home.chmod(0o755)


@pytest.mark.probe(1)
def test_an_empty_read_only_home_paints_and_says_why(empty_home: Path) -> None:
    prefix = read_only(empty_home)

    out = run_headless(RUN_APP, empty_home, prefix)

    assert out["price"] == 164.32  # the bundled snapshot
    assert any(n.startswith("cache unavailable") and "Permission denied" in n
               for n in out["notices"])
    assert any(n.startswith("cannot write") and "Permission denied" in n
               for n in out["notices"])
    assert out["rc"] == 0
    assert list(empty_home.iterdir()) == []


@pytest.mark.probe(2)
def test_a_read_only_home_with_notes_and_cache_shows_them_and_refuses_to_save(
        tmp_home: Path) -> None:
    from aiwatch.model import Origin, PriceHistory, Provenance, Quote
    from aiwatch.store.cache import Cache

    notes = tmp_home / "data" / "aiwatch" / "notes"
    notes.mkdir(parents=True)
    for ticker in ("BABA", "AMZN", "MSFT", "GOOGL"):
        (notes / f"{ticker}.md").write_text(f"# {ticker}\nmy own words\n")
    cache = Cache(tmp_home / "cache" / "aiwatch" / "cache.sqlite3")
    fetched = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
    live = Origin(Provenance.LIVE, fetched)
    cache.put_history(PriceHistory("BABA", (date(2026, 11, 21), date(2026, 11, 24)),
                                   (150.0, 151.5), live))
    cache.put_quote(Quote("BABA", 151.5, 150.0, "USD", fetched, live))
    cache.close()
    before = digests(tmp_home)
    prefix = read_only(tmp_home)

    try:
        out = run_headless(RUN_APP, tmp_home, prefix, args=["save"])
    finally:
        for path in [tmp_home, *tmp_home.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)

    # The probe's cache still had its WAL files; one closed cleanly has none, and SQLite
    # cannot open a WAL database read-only without them: then the snapshot, and it says so.
    assert out["price"] == 151.5 or any(
        n.startswith("cache unavailable") and "Permission denied" in n for n in out["notices"])
    assert out["screen"] == "NotesScreen"  # the editor stays open with the text
    assert any("Permission denied" in n for n in out["saved"])
    assert out["rc"] == 0
    assert digests(tmp_home) == before


FILL_AND_SAVE = """
import json, sys
from datetime import UTC, date, datetime
from pathlib import Path
from aiwatch.store.notes import Note, NotesStore, NotesError
notes = Path(sys.argv[1])
store = NotesStore(notes, notes)
for ticker in ("BABA", "AMZN", "MSFT", "GOOGL"):
    store.save(Note(ticker, f"# {ticker}\\n" + "x" * 4000, None),
               datetime(2026, 11, 25, tzinfo=UTC))
n = 0
try:
    while True:  # fill the disk
        (notes.parent / f"filler-{n}").write_bytes(b"f" * 4096)
        n += 1
except OSError:
    pass
note = store.read("BABA")
try:
    store.save(Note("BABA", note.text + "y" * 20000, note.mtime_ns),
               datetime(2026, 11, 25, tzinfo=UTC))
    error = ""
except NotesError as exc:
    error = str(exc)
print(json.dumps({"error": error, "files": sorted(p.name for p in notes.iterdir()),
                  "texts": {t: store.read(t).text for t in ("BABA", "AMZN", "MSFT", "GOOGL")}}))
"""
MOUNTED = ("mkdir -p \"$1\" && mount -t tmpfs -o size=64k tmpfs \"$1\" && mkdir \"$1/notes\" "
           "&& exec \"$2\" -c \"$3\" \"$1/notes\"")


@pytest.mark.probe(3)
def test_a_full_disk_refuses_the_save_and_keeps_every_note(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("a real full disk needs root and unshare to mount a tiny tmpfs")
    data = tmp_path / "data"
    done = subprocess.run(["unshare", "-m", "sh", "-c", MOUNTED, "sh", str(data),
                           sys.executable, FILL_AND_SAVE], env=home_env(tmp_path),
                          capture_output=True, text=True, timeout=30, check=False)
    if "mount" in done.stderr or "unshare" in done.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    import json

    out = json.loads(done.stdout.splitlines()[-1])
    assert out["error"].endswith("No space left on device")
    assert out["texts"] == {t: f"# {t}\n" + "x" * 4000 for t in ("BABA", "AMZN", "MSFT", "GOOGL")}
    assert out["files"] == ["AMZN.md", "BABA.md", "GOOGL.md", "MSFT.md"]  # no temp file left


@pytest.mark.probe(3)
def test_enospc_on_save_is_an_error_and_the_old_note_stays(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = NotesStore(tmp_path / "notes", tmp_path)
    now = datetime(2026, 11, 25, tzinfo=UTC)
    store.save(Note("BABA", "old words\n", None), now)
    note = store.read("BABA")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(NotesError, match="No space left on device"):
        store.save(Note("BABA", "new words\n", note.mtime_ns), now)
    monkeypatch.undo()

    assert store.read("BABA").text == "old words\n"
    assert sorted(p.name for p in (tmp_path / "notes").iterdir()) == ["BABA.md"]
