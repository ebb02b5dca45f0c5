"""Writing a file only its owner can read, whole or not at all; reading one back only if it
is still that.

The console's pictures, the scripts' start-up cache and the safety lexicon's kept verdict
hold what nobody else on the machine should read or change, and must never be left
half-written (a full disk, a crash): the bytes go to a temporary 0600 file beside the
target, which then replaces it in one rename. What start-up trusts from such a file (a
cache, a verdict) it reads with ``read_private``, which refuses a file another user could
have written.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


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
