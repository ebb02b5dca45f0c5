"""Writing a file only its owner can read, whole or not at all.

The console's pictures and the scripts' start-up cache both hold what nobody else on the
machine should read, and both must never be left half-written (a full disk, a crash): the
bytes go to a temporary 0600 file beside the target, which then replaces it in one rename.
"""

from __future__ import annotations

import os
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
