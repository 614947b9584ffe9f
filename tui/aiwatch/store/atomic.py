"""Atomic file writes shared by the notes and the config: a temp file beside the real file,
fsync, rename over it. A reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from pathlib import Path


def real_path(target: Path) -> Path:
    """Where a write to `target` lands: a symlink's target (the link stays), else itself."""
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def write_atomic(target: Path, data: bytes, exclusive: bool = False) -> bool:
    """Temp file beside the real file (a symlink's target), fsync, rename over it, with
    the old file's mode (a new one: 0666 less the umask). `exclusive`: never replace an
    existing file, and return False if one is there. Raises OSError."""
    real = real_path(target)
    real.parent.mkdir(parents=True, exist_ok=True)
    tmp, fd = _create_temp(real)
    try:
        with os.fdopen(fd, "wb") as f:
            with suppress(FileNotFoundError):  # new: 0666 less the umask stands
                os.fchmod(f.fileno(), stat.S_IMODE(os.stat(real).st_mode))
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if exclusive:
            try:
                os.link(tmp, real)  # fails if the name is taken, unlike a rename
            except FileExistsError:
                return False
            finally:
                tmp.unlink(missing_ok=True)
        else:
            os.replace(tmp, real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


def _create_temp(real: Path) -> tuple[Path, int]:
    """A new temp file `.<name>.<8 hex>`, created with mode 0666 so the umask applies (the hex
    straight from os.urandom, as secrets.token_hex gives it: secrets loads hashlib and OpenSSL,
    which start-up would pay for)."""
    while True:
        tmp = real.with_name(f".{real.name}.{os.urandom(4).hex()}")
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
