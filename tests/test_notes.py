"""Notes: seeded once, never overwritten, written atomically, conflicts keep both versions."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from aiwatch.locations import bundled_data_dir
from aiwatch.store.notes import Note, NotesError, NotesStore

NOW = datetime(2026, 11, 25, 15, 0)


@pytest.fixture
def store(tmp_path: Path) -> NotesStore:
    return NotesStore(tmp_path / "notes", bundled_data_dir() / "theses")


def test_seed_writes_the_bundled_theses(store: NotesStore) -> None:
    assert store.seed(["BABA", "AMZN"]) == ["BABA", "AMZN"]
    text = store.read("BABA").text
    assert "RMB 380bn" in text and "US$53bn" in text and "Qwen" in text
    assert "check: china_share >= 30" in text


def test_seed_never_overwrites_an_existing_note(store: NotesStore) -> None:
    store.path("BABA").parent.mkdir(parents=True)
    store.path("BABA").write_text("my own words", encoding="utf-8")
    assert store.seed(["BABA"]) == []
    assert store.read("BABA").text == "my own words"


def test_unknown_ticker_gets_a_template(store: NotesStore) -> None:
    store.seed(["NVDA"])
    assert store.read("NVDA").text.startswith("# NVDA")


def test_missing_note_reads_empty(store: NotesStore) -> None:
    assert store.read("BABA") == Note("BABA", "", None)


def test_save_is_atomic_and_leaves_no_temp_files(store: NotesStore) -> None:
    store.seed(["BABA"])
    note = store.read("BABA")
    result = store.save(Note("BABA", note.text + "\nmore", note.mtime_ns), NOW)
    assert result.conflict_path is None
    assert store.read("BABA").text.endswith("more")
    assert sorted(p.name for p in store.directory.iterdir()) == ["BABA.md"]


def test_save_after_an_outside_edit_keeps_both(store: NotesStore) -> None:
    store.seed(["BABA"])
    before = store.read("BABA")
    store.path("BABA").write_text("edited in vim", encoding="utf-8")
    os.utime(store.path("BABA"), ns=(before.mtime_ns + 10**9, before.mtime_ns + 10**9))
    result = store.save(Note("BABA", "edited in the app", before.mtime_ns), NOW)
    assert store.read("BABA").text == "edited in the app"
    assert result.conflict_path is not None
    assert result.conflict_path.name == "BABA.conflict-20261125-150000.md"
    assert result.conflict_path.read_text(encoding="utf-8") == "edited in vim"


def test_unwritable_directory_raises_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = NotesStore(blocker / "notes", bundled_data_dir() / "theses")
    with pytest.raises(NotesError, match="cannot write"):
        store.seed(["BABA"])
