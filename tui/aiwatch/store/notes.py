"""Thesis notes: one Markdown file per ticker in the user data dir.

The files belong to the user: seeded once from the bundled theses, never overwritten, editable
outside the app. Writes are atomic (temp file, fsync, rename). A save that finds the file
changed on disk since it was read keeps both versions: ours in place, theirs beside it.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

NEW_NOTE = """# {ticker}

Why I hold or watch {ticker}, in a sentence or two.

## Checks
check: revenue_yoy > 0
"""


@dataclass(frozen=True, slots=True)
class Note:
    """A note's text and the file version it was read from (None: no file yet)."""

    ticker: str
    text: str
    mtime_ns: int | None


@dataclass(frozen=True, slots=True)
class SaveResult:
    note: Note
    conflict_path: Path | None = None  # where the other version went, if the file had changed


def editor_command(env: Mapping[str, str], path: Path) -> list[str] | None:
    """The user's editor ($VISUAL, then $EDITOR, which may carry flags) on `path`."""
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                return [*shlex.split(value), str(path)]
            except ValueError:
                return None
    return None


class NotesError(Exception):
    """A note could not be read or written; the message says which file and why."""

    def __init__(self, action: str, path: Path, exc: OSError) -> None:
        self.reason = exc.strerror or str(exc)
        super().__init__(f"cannot {action} {path}: {self.reason}")


class NotesStore:
    def __init__(self, directory: Path, seeds: Path) -> None:
        self.directory = directory
        self.seeds = seeds

    def path(self, ticker: str) -> Path:
        """The note's file; a symbol that is not one plain file name (config rejects those)
        is refused rather than let out of the notes dir."""
        name = ticker.upper()
        if not name or name.startswith(".") or "/" in name or "\\" in name or "\0" in name:
            raise ValueError(f"not a symbol for a note file: {ticker!r}")
        return self.directory / f"{name}.md"

    def seed(self, tickers: list[str]) -> list[str]:
        """Write a note for each ticker that has none; returns the tickers seeded."""
        seeded = []
        for ticker in tickers:
            target = self.path(ticker)
            if target.exists():
                continue
            seed = self.seeds / target.name
            text = seed.read_text(encoding="utf-8") if seed.exists() else NEW_NOTE.format(
                ticker=ticker.upper()
            )
            self._write_atomic(target, text)
            seeded.append(ticker)
        return seeded

    def read(self, ticker: str) -> Note:
        target = self.path(ticker)
        try:
            stat = target.stat()
            text = target.read_bytes().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return Note(ticker, "", None)
        except OSError as exc:
            raise NotesError("read", target, exc) from exc
        return Note(ticker, text, stat.st_mtime_ns)

    def save(self, note: Note, now: datetime) -> SaveResult:
        """Write `note.text`; if the file changed since `note` was read, keep the other too."""
        target = self.path(note.ticker)
        current = self.read(note.ticker)
        conflict = None
        changed_outside = current.mtime_ns not in (None, note.mtime_ns)
        if changed_outside and current.text != note.text:
            conflict = target.with_name(f"{target.stem}.conflict-{now:%Y%m%d-%H%M%S}.md")
            self._write_atomic(conflict, current.text)
        self._write_atomic(target, note.text)
        return SaveResult(self.read(note.ticker), conflict)

    def _write_atomic(self, target: Path, text: str) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise NotesError("write", target, exc) from exc
