"""The model file's arrays read without numpy.

Why: numpy costs a start of the bot some 50-70 ms to import, for one small job per message
(a sparse row of weights summed per class), which plain Python does in well under a
millisecond. The file stays what ``safety.train`` writes and ``numpy.load`` reads (a zip of
``.npy`` members); this reads the two layouts it holds, little-endian float16 and bytes, and
refuses anything else with ``ValueError``.

The ``.npy`` format: the magic ``\\x93NUMPY``, a version byte pair, the header's length (two
bytes in version 1, four in 2 and 3), a header that is a Python dict literal with ``descr``,
``fortran_order`` and ``shape``, then the data in C order.
"""

from __future__ import annotations

import ast
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"\x93NUMPY"
ITEM_SIZES = {"<f2": 2, "|u1": 1}


@dataclass(frozen=True)
class Array:
    descr: str  # "<f2" (float16) or "|u1" (bytes)
    shape: tuple[int, ...]
    data: bytes  # C order, exactly as stored


def parse(raw: bytes) -> Array:
    """One ``.npy`` member; ``ValueError`` for anything but a plain C-order array of the kinds above."""
    if raw[:6] != MAGIC or len(raw) < 10:
        raise ValueError("not an .npy array")
    major = raw[6]
    if major == 1:
        (length,), start = struct.unpack_from("<H", raw, 8), 10
    elif major in (2, 3):
        (length,), start = struct.unpack_from("<I", raw, 8), 12
    else:
        raise ValueError(f".npy version {major} is not known")
    header = ast.literal_eval(raw[start:start + length].decode("latin-1"))
    if not isinstance(header, dict) or header.get("fortran_order") is not False:
        raise ValueError(".npy header is not a C-order array")
    descr, shape = header.get("descr"), header.get("shape")
    if descr not in ITEM_SIZES or not isinstance(shape, tuple) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise ValueError(f".npy array of {descr!r} is not one this reader knows")
    data = raw[start + length:]
    count = 1
    for n in shape:
        count *= n
    if len(data) != count * ITEM_SIZES[descr]:
        raise ValueError(".npy data is not as long as its shape says")
    return Array(descr, shape, data)


def read_npz(path: Path) -> dict[str, Array]:
    """Every member of an ``.npz`` file by name (without ``.npy``). Raises ``OSError``,
    ``zipfile.BadZipFile``, ``EOFError`` or ``ValueError`` for a file that cannot be read."""
    with zipfile.ZipFile(path) as archive:
        return {
            info.filename.removesuffix(".npy"): parse(archive.read(info))
            for info in archive.infolist()
            if info.filename.endswith(".npy")
        }
