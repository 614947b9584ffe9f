"""Note files the user made odd: bad UTF-8, symlinks, modes, line breaks, size, FIFOs, devices,
killed saves and conflicts in one second. The user's bytes survive all of them."""

from __future__ import annotations

import os
import stat
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from aiwatch.locations import bundled_data_dir
from aiwatch.screens.notes import NotesScreen
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.store.notes import MAX_NOTE_BYTES, Note, NotesError, NotesStore

NOW = datetime(2026, 11, 25, 15, 0)
BAD_UTF8 = b"# BABA\n\nCaf\xe9 \xff\xfe \xc3\n"


@pytest.fixture
def store(tmp_path: Path) -> NotesStore:
    store = NotesStore(tmp_path / "notes", bundled_data_dir() / "theses")
    store.directory.mkdir()
    return store


def app_notes(home: Path) -> Path:
    folder = home / "data" / "aiwatch" / "notes"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def messages(app) -> list[str]:  # noqa: ANN001
    return [n.message for n in app._notifications]


# --- #7 invalid UTF-8 ------------------------------------------------------------------------

@pytest.mark.probe(7)
def test_a_note_that_is_not_utf8_is_shown_but_not_editable(store: NotesStore) -> None:
    store.path("BABA").write_bytes(BAD_UTF8)

    note = store.read("BABA")

    assert note.text == "# BABA\n\nCaf\ufffd \ufffd\ufffd \ufffd\n"
    assert note.refusal == ("BABA.md is not valid UTF-8 (byte 0xE9 at offset 11): "
                            "edit it in $EDITOR")


@pytest.mark.probe(7)
async def test_n_on_a_note_that_is_not_utf8_refuses_and_keeps_the_bytes(
        make_test_app, tmp_home: Path) -> None:
    path = app_notes(tmp_home) / "BABA.md"
    path.write_bytes(BAD_UTF8)
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, WatchlistScreen)
        assert ("BABA.md is not valid UTF-8 (byte 0xE9 at offset 11): edit it in $EDITOR"
                in messages(app))
        assert "Caf\ufffd" in " ".join(app.summaries["BABA"].thesis_lines)  # the card shows it
    assert path.read_bytes() == BAD_UTF8


@pytest.mark.probe(7, 16)
def test_a_conflict_copy_keeps_the_other_versions_bytes(store: NotesStore) -> None:
    path = store.path("BABA")
    path.write_text("mine\n")
    mine = store.read("BABA")
    path.write_bytes(BAD_UTF8)
    os.utime(path, ns=(mine.mtime_ns + 10**9, mine.mtime_ns + 10**9))

    result = store.save(Note("BABA", "mine, edited\n", mine.mtime_ns), NOW)

    assert result.conflict_path is not None
    assert result.conflict_path.read_bytes() == BAD_UTF8
    assert path.read_text() == "mine, edited\n"


# --- #9 symlinks -----------------------------------------------------------------------------

@pytest.mark.probe(9)
def test_saving_a_symlinked_note_writes_through_the_link(store: NotesStore,
                                                         tmp_path: Path) -> None:
    elsewhere = tmp_path / "vault"
    elsewhere.mkdir()
    target = elsewhere / "baba-thesis.md"
    target.write_text("in my vault\n")
    store.path("BABA").symlink_to(target)
    note = store.read("BABA")

    result = store.save(Note("BABA", "edited in aiwatch\n", note.mtime_ns), NOW)

    assert result.conflict_path is None
    assert store.path("BABA").is_symlink()
    assert os.readlink(store.path("BABA")) == str(target)
    assert target.read_text() == "edited in aiwatch\n"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["baba-thesis.md"]  # no temp left
    assert sorted(p.name for p in store.directory.iterdir()) == ["BABA.md"]


@pytest.mark.probe(9)
def test_seeding_never_writes_through_a_dangling_link(store: NotesStore, tmp_path: Path) -> None:
    store.path("BABA").symlink_to(tmp_path / "gone.md")

    assert store.seed(["BABA"]) == []
    assert not (tmp_path / "gone.md").exists()


# --- #49 modes -------------------------------------------------------------------------------

@pytest.mark.probe(49)
@pytest.mark.parametrize("mode", [0o644, 0o600, 0o664])
def test_save_keeps_the_notes_mode(store: NotesStore, mode: int) -> None:
    path = store.path("BABA")
    path.write_text("before\n")
    path.chmod(mode)
    note = store.read("BABA")

    store.save(Note("BABA", "after\n", note.mtime_ns), NOW)

    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.read_text() == "after\n"


@pytest.mark.probe(49)
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_a_new_note_gets_the_umasks_mode(store: NotesStore, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        store.seed(["NVDA"])
    finally:
        os.umask(old)
    assert stat.S_IMODE(store.path("NVDA").stat().st_mode) == mode


# --- #20 temp files of killed saves ----------------------------------------------------------

@pytest.mark.probe(20)
def test_stale_temp_files_of_killed_saves_are_removed(store: NotesStore) -> None:
    folder = store.directory
    names = {
        ".BABA.md.k3j9x0a1": True,  # mkstemp's name, from a save killed long ago
        ".BABA.md.0123abcd": True,
        ".BABA.conflict-20261125-150000.md.zz_9abcd": True,
        "BABA.md": False,  # the note itself
        ".BABA.md.k3j9x0a1.bak": False,  # not our pattern
        ".hidden": False,
        "notes.txt.k3j9x0a1": False,
    }
    for name in names:
        (folder / name).write_text("x")
    (folder / ".MSFT.md.fresh123").write_text("a save in progress")
    (folder / ".AMZN.md.linked12").symlink_to(folder / "BABA.md")
    old = time.time() - 3600
    for name in [*names, ".AMZN.md.linked12"]:
        os.utime(folder / name, (old, old), follow_symlinks=False)

    removed = store.remove_stale_temp_files()

    assert sorted(p.name for p in removed) == sorted(n for n, gone in names.items() if gone)
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([*(n for n, gone in names.items() if not gone),
                           ".MSFT.md.fresh123", ".AMZN.md.linked12"])


@pytest.mark.probe(20)
async def test_the_app_cleans_stale_temp_files_at_start(make_test_app, tmp_home: Path) -> None:
    folder = app_notes(tmp_home)
    stale = folder / ".BABA.md.abcd1234"
    stale.write_text("half a save")
    os.utime(stale, (time.time() - 600, time.time() - 600))
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    assert not stale.exists()
    assert (folder / "BABA.md").exists()


# --- #16 conflicts in one second -------------------------------------------------------------

@pytest.mark.probe(16)
def test_two_conflicts_in_one_second_keep_both_copies(store: NotesStore) -> None:
    path = store.path("BABA")
    path.write_text("original\n")
    copies = []
    for n, outside in enumerate(["outside one\n", "outside two\n"], start=1):
        mine = store.read("BABA")
        path.write_text(outside)
        os.utime(path, ns=(mine.mtime_ns + n * 10**9, mine.mtime_ns + n * 10**9))
        result = store.save(Note("BABA", f"mine {n}\n", mine.mtime_ns), NOW)
        copies.append(result.conflict_path)

    assert [p.name for p in copies] == ["BABA.conflict-20261125-150000.md",  # type: ignore[union-attr]
                                        "BABA.conflict-20261125-150000-2.md"]
    assert [p.read_text() for p in copies] == ["outside one\n", "outside two\n"]  # type: ignore[union-attr]
    assert path.read_text() == "mine 2\n"


# --- #48 line breaks -------------------------------------------------------------------------

@pytest.mark.probe(48)
@pytest.mark.parametrize(("text", "what"), [
    ("# BABA\rold Mac line\r", "CR"),
    ("# BABA\n\fpage two\n", "form feed"),
    ("# BABA\x0bvt\n", "vertical tab"),
    ("# BABA\u2028ls\n", "U+2028"),
    ("# BABA\r\nmixed\nbreaks\n", None),
])
def test_line_breaks_the_editor_would_change_refuse_editing(
        store: NotesStore, text: str, what: str | None) -> None:
    store.path("BABA").write_bytes(text.encode())

    note = store.read("BABA")

    assert note.text == text
    expected = (f"BABA.md has {what} line breaks the editor would change: edit it in $EDITOR"
                if what else "BABA.md mixes CRLF and LF line breaks: edit it in $EDITOR")
    assert note.refusal == expected


@pytest.mark.probe(48)
async def test_a_cr_only_note_is_not_opened_in_the_editor(make_test_app, tmp_home: Path) -> None:
    path = app_notes(tmp_home) / "BABA.md"
    path.write_bytes(b"# BABA\rline\rcheck: revenue_yoy > 0\r")
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, NotesScreen)
        assert ("BABA.md has CR line breaks the editor would change: edit it in $EDITOR"
                in messages(app))
    assert path.read_bytes() == b"# BABA\rline\rcheck: revenue_yoy > 0\r"


@pytest.mark.probe(48)
async def test_a_crlf_note_is_edited_and_keeps_its_crlf(make_test_app, tmp_home: Path) -> None:
    path = app_notes(tmp_home) / "BABA.md"
    path.write_bytes(b"# BABA\r\n\r\nHold.\r\n")
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        assert not app.screen.modified  # the editor holds the bytes as they were
        await pilot.press("end", *" Still.", "ctrl+s")
        await pilot.pause()
    assert path.read_bytes() == b"# BABA Still.\r\n\r\nHold.\r\n"


# --- #8, #10, #11 limits ---------------------------------------------------------------------

@pytest.mark.probe(8)
def test_a_note_over_the_limit_is_not_read(store: NotesStore) -> None:
    path = store.path("BABA")
    with path.open("wb") as f:
        f.truncate(52_428_800)

    started = time.perf_counter()
    note = store.read("BABA")

    assert time.perf_counter() - started < 0.5
    assert note.refusal == "note too large (52.4 MB > 1 MB limit): edit it in $EDITOR"
    assert note.text == note.refusal  # what the card shows
    assert path.stat().st_size == 52_428_800


@pytest.mark.probe(8)
def test_a_note_at_the_limit_is_read(store: NotesStore) -> None:
    store.path("BABA").write_bytes(b"x" * MAX_NOTE_BYTES)
    assert store.read("BABA").text == "x" * MAX_NOTE_BYTES


@pytest.mark.probe(8)
async def test_a_huge_note_shows_the_limit_on_the_card_and_is_not_edited(
        make_test_app, tmp_home: Path) -> None:
    path = app_notes(tmp_home) / "BABA.md"
    with path.open("wb") as f:
        f.truncate(52_428_800)
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.summaries["BABA"].thesis_lines == (
            "note too large (52.4 MB > 1 MB limit): edit it in $EDITOR",)
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, NotesScreen)
    assert path.stat().st_size == 52_428_800


def read_in_thread(store: NotesStore, ticker: str) -> tuple[threading.Thread, list[object]]:
    """Read in a daemon thread, so a read that blocks fails the test instead of hanging it."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(store.read(ticker))
        except NotesError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(2)
    return thread, outcome


@pytest.mark.probe(10)
def test_a_fifo_note_is_refused_without_blocking(store: NotesStore) -> None:
    fifo = store.path("BABA")
    os.mkfifo(fifo)

    thread, outcome = read_in_thread(store, "BABA")

    if thread.is_alive():  # the old code blocks in open(): give it a writer, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(2)
        pytest.fail("reading a FIFO note blocked")
    [error] = outcome
    assert isinstance(error, NotesError)
    assert error.reason == "not a regular file (a FIFO)"


@pytest.mark.probe(11)
def test_a_note_linked_to_dev_zero_is_refused(store: NotesStore) -> None:
    store.path("BABA").symlink_to("/dev/zero")

    thread, outcome = read_in_thread(store, "BABA")

    assert not thread.is_alive(), "reading /dev/zero as a note did not end"
    [error] = outcome
    assert isinstance(error, NotesError)
    assert error.reason == "not a regular file (a character device)"


@pytest.mark.probe(10)
async def test_the_app_paints_with_a_fifo_note(make_test_app, tmp_home: Path) -> None:
    os.mkfifo(app_notes(tmp_home) / "BABA.md")
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WatchlistScreen)
        assert ("cannot read the notes of BABA: not a regular file (a FIFO)"
                in app.notes_problems)
