"""Files and folders only their owner can read: the process's umask, private folders,
writing a file whole or not at all, and reading one back only if it is still private.

People's words and the key that reads them live in the data directory, so nothing the
companion writes may be readable by others on the machine: every command sets the umask to
0o077 before it writes anything (``private_umask``), so whatever any library creates (SQLite's
database, its -wal and -shm) is 0600 and every folder 0700; ``private_dir`` makes a folder
0700, and tightens one an earlier version (or a hand) made looser; ``write_private`` writes a
file (the console's pictures, the scripts' start-up cache, the safety lexicon's kept verdict,
an export) so that it is never left half-written (a full disk, a crash): the bytes go to a
temporary 0600 file beside the target, which then replaces it in one rename. What start-up
trusts from such a file (a cache, a verdict) it reads with ``read_private``, which refuses a
file another user could have written.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

PRIVATE_UMASK = 0o077  # files 0600, folders 0700


def private_umask() -> None:
    """Whatever this process creates from now on, only its owner can read."""
    os.umask(PRIVATE_UMASK)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def readable_by_others(path: Path) -> bool:
    """Group or others have any permission on ``path``."""
    return bool(mode_of(path) & 0o077)


def private_dir(path: Path) -> str | None:
    """``path`` as a folder only its owner can enter (0700): made so, or an existing looser
    one tightened. Returns the line to report when it cannot be tightened (another owner);
    an ``OSError`` when it cannot be made at all."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not readable_by_others(path):
        return None
    mode = mode_of(path)
    try:
        os.chmod(path, 0o700)
    except OSError:
        return f"{path} can be read by others (mode {mode:o}) and could not be made private: run chmod 700 {path}"
    return None


def tighten(*paths: Path) -> list[str]:
    """Make each existing file of ``paths`` 0600 (files an earlier version left readable by
    others; SQLite gives its -wal and -shm the database file's mode). Returns a line to
    report for each that cannot be (another owner)."""
    left: list[str] = []
    for path in paths:
        try:
            if readable_by_others(path):
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue
        except OSError:
            left.append(f"{path} can be read by others and could not be made private: run chmod 600 {path}")
    return left


def write_private(path: Path, content: bytes) -> None:
    """``content`` at ``path`` (0600; a missing folder is made 0700)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_private(path: Path) -> bytes | None:
    """The file's bytes when it is a regular file of this user's that no one else may read
    or write; None otherwise (a kept verdict or cache in such a file is then rebuilt, never
    trusted). Raises ``OSError`` when it cannot be opened (missing, a symbolic link)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        return handle.read()
