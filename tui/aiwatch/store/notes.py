"""Thesis notes: one Markdown file per ticker in the user data dir.

The files belong to the user: seeded once from the bundled theses, never overwritten, editable
outside the app. Writes are atomic (temp file, fsync, rename) and go through a symlink to its
target, keeping the file's mode. A save that finds the file changed on disk since it was read
keeps both versions: ours in place, theirs beside it, byte for byte.

Limits: only regular files are read (a FIFO or a device would hang or never end), at most
MAX_NOTE_BYTES of them. A note the in-app editor could not give back byte for byte (not UTF-8,
or line breaks other than LF or CRLF) is shown but not edited in the app: `Note.refusal` says
why, and $EDITOR remains.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from msgspec import Struct

from aiwatch.store.atomic import real_path, write_atomic

NEW_NOTE = """# {ticker}

Why I hold or watch {ticker}, in a sentence or two.

## Checks
check: revenue_yoy > 0
"""

MAX_NOTE_BYTES = 1_000_000  # a bigger note froze the detail screen for minutes
STALE_TEMP_SECONDS = 60  # a temp file this old belongs to a save that was killed
# `.BABA.md.k3j9x0a1`: the temp name of a save (ours, and mkstemp's before it)
TEMP_NAME = r"\.(?P<note>[^/]+\.md)\.[a-z0-9_]{8}"  # compiled on first use
RECOVERED = ".recovered-"
# line breaks the editor would turn into LF: CR alone, VT, FF, FS, GS, RS, NEL, LS, PS
ODD_BREAK = re.compile(r"\r(?!\n)|[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
BREAK_NAMES = {"\r": "CR", "\v": "vertical tab", "\f": "form feed", "\x85": "NEL",
               "\u2028": "U+2028", "\u2029": "U+2029"}


class Note(Struct, frozen=True):
    """A note's text and the file version it was read from (None: no file yet).

    `refusal` is set when the app must not edit the note, and says why; `text` is then what
    to show: the file decoded with U+FFFD for bad bytes, or the refusal itself when the file
    was not read at all."""

    ticker: str
    text: str
    mtime_ns: int | None
    refusal: str = ""


class SaveResult(Struct, frozen=True):
    """The note as saved, and where the other version went on a conflict."""

    note: Note
    conflict_path: Path | None = None  # where the other version went, if the file had changed


def editor_command(env: Mapping[str, str], path: Path) -> list[str] | None:
    """The user's editor ($VISUAL, then $EDITOR, which may carry flags) on `path`."""
    import shlex  # only when an editor is started: start-up does not load it

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
        """Write a note for each ticker that has none; returns the tickers seeded. A symlink,
        even a dangling one, is a note: never written through here."""
        seeded = []
        for ticker in tickers:
            target = self.path(ticker)
            if os.path.lexists(target):
                continue
            self._write_atomic(target, self.seed_text(ticker).encode("utf-8"))
            seeded.append(ticker)
        return seeded

    def seed_text(self, ticker: str) -> str:
        """The note a ticker starts with: the bundled thesis, or an empty template."""
        seed = self.seeds / self.path(ticker).name
        return seed.read_text(encoding="utf-8") if seed.exists() else NEW_NOTE.format(
            ticker=ticker.upper())

    def read(self, ticker: str) -> Note:
        target = self.path(ticker)
        try:
            loaded = _load(target)
        except OSError as exc:
            raise NotesError("read", target, exc) from exc
        if loaded is None:
            return Note(ticker, "", None)
        data, mtime_ns = loaded
        if data is None:
            refusal = _too_large(target)
            return Note(ticker, refusal, mtime_ns, refusal)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            refusal = (f"{target.name} is not valid UTF-8 (byte 0x{data[exc.start]:02X} at "
                       f"offset {exc.start}): edit it in $EDITOR")
            return Note(ticker, data.decode("utf-8", errors="replace"), mtime_ns, refusal)
        return Note(ticker, text, mtime_ns, _line_break_refusal(target.name, text))

    def save(self, note: Note, now: datetime) -> SaveResult:
        """Write `note.text`; if the file changed since `note` was read, keep the other too."""
        target = self.path(note.ticker)
        data = note.text.encode("utf-8")
        try:
            current = _load(target, limit=None)
        except OSError as exc:
            raise NotesError("read", target, exc) from exc
        conflict = None
        if current is not None and current[1] != note.mtime_ns and current[0] != data:
            conflict = self._keep_conflict(target, current[0] or b"", now)
        self._write_atomic(target, data)
        return SaveResult(self.read(note.ticker), conflict)

    def recover(self, ticker: str, text: str, now: datetime) -> Path:
        """Keep unsaved editor text beside its note when the app is made to stop."""
        target = self.path(ticker)
        name = f"{target.name}{RECOVERED}{now:%Y%m%d-%H%M%S}"
        return self._write_new(target.with_name(name), text.encode("utf-8"))

    def recovered(self) -> list[Path]:
        """Recovery files waiting for the user to merge them into their notes."""
        try:
            return sorted(self.directory.glob(f"*.md{RECOVERED}*"))
        except OSError:
            return []

    def remove_stale_temp_files(self) -> list[Path]:
        """Remove the temp files of saves that were killed: our temp name only, a regular
        file, older than STALE_TEMP_SECONDS (a save in progress is younger). Best effort."""
        removed = []
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return []
        cutoff = time.time() - STALE_TEMP_SECONDS
        for entry in entries:
            try:
                if (re.fullmatch(TEMP_NAME, entry.name) and entry.is_file(follow_symlinks=False)
                        and entry.stat(follow_symlinks=False).st_mtime < cutoff):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                continue
        return removed

    def _keep_conflict(self, target: Path, data: bytes, now: datetime) -> Path:
        """The other version, under a name no earlier conflict holds."""
        stem = f"{target.stem}.conflict-{now:%Y%m%d-%H%M%S}"
        return self._write_new(target.with_name(f"{stem}.md"), data,
                               lambda n: target.with_name(f"{stem}-{n}.md"))

    def _write_new(self, path: Path, data: bytes,
                   numbered: Callable[[int], Path] | None = None) -> Path:
        """Write a file that must not replace any existing one: `path`, else `-2`, `-3`…"""
        name = numbered or (lambda n: path.with_name(f"{path.name}-{n}"))
        candidate, n = path, 1
        while not self._write_atomic(candidate, data, exclusive=True):
            n += 1
            candidate = name(n)
        return candidate

    def _write_atomic(self, target: Path, data: bytes, exclusive: bool = False) -> bool:
        """store/atomic.py's write, its failure as a NotesError naming the real file."""
        try:
            return write_atomic(target, data, exclusive)
        except OSError as exc:
            raise NotesError("write", real_path(target), exc) from exc


def _load(target: Path, limit: int | None = MAX_NOTE_BYTES) -> tuple[bytes | None, int] | None:
    """The file's bytes (None when over `limit`) and mtime; None when there is no file.
    Opened without blocking and checked to be a regular file before a byte is read."""
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, f"not a regular file ({_kind(info.st_mode)})")
        if limit is not None and info.st_size > limit:
            return None, info.st_mtime_ns
        data = f.read() if limit is None else f.read(limit + 1)
    if limit is not None and len(data) > limit:
        return None, info.st_mtime_ns
    return data, info.st_mtime_ns


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def _too_large(target: Path) -> str:
    try:
        size = target.stat().st_size
    except OSError:
        size = MAX_NOTE_BYTES + 1
    return (f"note too large ({size / 1e6:.1f} MB > {MAX_NOTE_BYTES / 1e6:g} MB limit): "
            "edit it in $EDITOR")


def _line_break_refusal(name: str, text: str) -> str:
    """Why the editor could not keep the note's line breaks; "" when it can. The editor
    keeps one style, LF or CRLF, for the whole text."""
    odd = ODD_BREAK.search(text)
    if odd:
        what = BREAK_NAMES.get(odd.group(), f"U+{ord(odd.group()):04X}")
        return f"{name} has {what} line breaks the editor would change: edit it in $EDITOR"
    if "\r\n" in text and re.search(r"(?<!\r)\n", text):
        return f"{name} mixes CRLF and LF line breaks: edit it in $EDITOR"
    return ""
