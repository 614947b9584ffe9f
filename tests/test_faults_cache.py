"""Cache and notes-file faults (fault probe cases 5, 6, 12, 13): an odd file where a note or
the cache should be is named, never fatal; a cache another process holds is still read."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aiwatch.model import Origin, Provenance, Quote
from aiwatch.store.cache import Cache

FETCHED = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
QUOTE = Quote("MSFT", 529.3, 525.18, "USD", FETCHED, Origin(Provenance.LIVE, FETCHED))


def notes_dir(home: Path) -> Path:
    return home / "data" / "aiwatch" / "notes"


@pytest.mark.probe(12)
def test_a_zero_byte_cache_is_used_as_a_new_one(tmp_home: Path) -> None:
    path = tmp_home / "cache" / "aiwatch" / "cache.sqlite3"
    path.parent.mkdir(parents=True)
    path.touch()  # SQLite takes an empty file for an empty database: nothing to move aside

    cache = Cache(path)
    cache.put_quote(QUOTE)

    assert cache.problem == ""
    assert cache.get_quote("MSFT") is not None
    assert not list(path.parent.glob("*corrupt*"))
    cache.close()


@pytest.mark.probe(13)
def test_a_cache_another_process_holds_exclusively_in_wal_is_read(tmp_home: Path) -> None:
    path = tmp_home / "cache" / "aiwatch" / "cache.sqlite3"
    first = Cache(path)
    first.put_quote(QUOTE)
    first.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # in WAL, readers still read
    try:
        cache = Cache(path)
        assert cache.problem == ""
        assert cache.get_quote("MSFT") is not None
        cache.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not list(path.parent.glob("*corrupt*"))


@pytest.mark.probe(5)
async def test_a_notes_dir_that_is_a_file_is_named_and_n_says_it_cannot_open(
        make_test_app, tmp_home: Path) -> None:
    notes_dir(tmp_home).parent.mkdir(parents=True)
    notes_dir(tmp_home).write_text("not a directory")
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("cannot write") and m.endswith("File exists") for m in messages)
        assert "cannot read the notes of BABA, AMZN, MSFT, GOOGL: Not a directory" in messages
        await pilot.press("n")
        await pilot.pause()
        assert any("Cannot open note" in (n.title or "") + n.message
                   for n in app._notifications)
        await pilot.press("q")
    assert app.return_code == 0


@pytest.mark.probe(6)
async def test_a_note_that_is_a_directory_is_named(make_test_app, tmp_home: Path) -> None:
    (notes_dir(tmp_home) / "BABA.md").mkdir(parents=True)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert "cannot read the notes of BABA: Is a directory" in [
            n.message for n in app._notifications]
        assert app.summaries["AMZN"].note  # the others are read
        await pilot.press("q")
    assert app.return_code == 0
