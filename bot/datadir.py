"""The data directory, usable or one clear line: it exists (made owner-only when missing), it
is a folder, and this process can write in it.

Every command that keeps something there (the embedded database, the key file, the scripts'
start-up cache) asks here first, so a missing folder that cannot be made, a file where the
folder should be, or a folder this user cannot write stops the start with what to fix,
instead of a traceback from whichever of them happened to write first. Writability is
proved by writing (a probe file, removed at once), not read from the mode bits: root
ignores them, and a read-only mount or an immutable folder refuses root too.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

__all__ = ["DataDirError", "usable_data_dir"]

FIX = "set INNERCHILD_DATA_DIR to a folder this user can write"


class DataDirError(Exception):
    """The data directory cannot be used; the message is one line an operator can act on."""


def usable_data_dir(folder: Path) -> None:
    """Make ``folder`` (0700) if it is missing, and prove this process can write in it."""
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:  # exist_ok, yet it exists: a file, or a link to one
        raise DataDirError(f"the data directory {folder} is a file, not a folder: move the file away, or {FIX}") from None
    except NotADirectoryError:
        raise DataDirError(f"the data directory {folder} cannot be made: {_file_above(folder)} is a file, not a folder: {FIX}") from None
    except OSError as exc:
        raise DataDirError(f"the data directory {folder} cannot be made ({_reason(exc)}): create it for this user, or {FIX}") from None
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".innerchild-probe-")
    except OSError as exc:
        raise DataDirError(
            f"the data directory {folder} is not writable by this user ({_reason(exc)}): "
            f"give this user write access to it (chown, chmod u+rwx), or {FIX}"
        ) from None
    os.close(fd)
    os.unlink(probe)


def _file_above(folder: Path) -> Path:
    """The nearest existing path above ``folder`` that is not a folder."""
    for parent in [folder, *folder.parents]:
        if parent.exists() and not parent.is_dir():
            return parent
    return folder.parent  # pragma: no cover - NotADirectoryError names one


def _reason(exc: OSError) -> str:
    if exc.errno is not None:
        return exc.strerror or errno.errorcode.get(exc.errno, str(exc.errno))
    return type(exc).__name__
