"""A start-up that does not check the same scripts twice: what a clean load found, kept in
the data directory under a digest of everything that decided it.

Checking the scripts (every template rendered for several sample people, every path, every
label) and compiling their templates is most of what a start costs, and most starts load
the very files the last one did. So a load without a problem leaves ``script-cache`` in the
data directory: the digest, the warnings, each script's journal reads and the templates'
compiled code. The next load whose digest matches skips the checks and compiles nothing.

The digest covers every file under the dialogues folder (its path and bytes), what the
features offer scripts (the ``Vocabulary``), this engine's source files (the checks that ran)
and the Python and Jinja versions (the compiled code). Same digest, same verdict: the
checks read nothing else. A folder with a problem is never kept, so its problems are found,
and reported, at every start. Anything in doubt is ignored and rebuilt: a changed file,
another version, a file cut short or altered (a SHA-256 of the contents), one not owned by
this user or open to others.

What is kept: the digest, the warnings, each script's journal reads, the templates'
compiled code (what Jinja's own bytecode cache keeps) and the scripts as read from their
files, so a warm load parses no YAML either. The file is ``marshal`` data; the scripts in
it are pickled, read back by an unpickler that builds nothing but the engine's script
classes and paths. It is written whole to a temporary file beside it (0600) and renamed,
in a data directory created 0700; a file that is not this user's, or that others may read
or write, is not read. The digest also covers the folder's path, as given and as resolved,
since the scripts read from a folder name their files by it.
"""

from __future__ import annotations

import hashlib
import io
import marshal
import pathlib
import pickle
import sys
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from types import CodeType

import jinja2
import yaml

from . import script as script_module
from .script import Problem, Script
from .templates import Compiled
from ..private_files import read_private, write_private
from .validate import Vocabulary

CACHE_FILE = "script-cache"
MAGIC = b"innerchild script cache 2\n"
ENGINE = Path(__file__).resolve().parent
_DIGEST = hashlib.sha256().digest_size


@dataclass
class Checked:
    """What a clean load found besides the scripts themselves."""

    warnings: list[Problem]
    journal_reads: dict[str, frozenset[str]]
    compiled: Compiled
    scripts: list[Script]


class LibraryCache:
    """The cache file in ``data_dir`` for loading ``folder`` with ``vocabulary``."""

    def __init__(self, data_dir: Path, folder: Path, vocabulary: Vocabulary):
        self.path = Path(data_dir) / CACHE_FILE
        self.folder = folder
        self.key = digest(folder, vocabulary)

    def read(self) -> Checked | None:
        """What the last clean load of these very files found; None when there is none or
        anything about it is in doubt."""
        try:
            data = read_private(self.path)
        except OSError:
            return None
        if data is None or not data.startswith(MAGIC):
            return None
        body = data[len(MAGIC) + _DIGEST:]
        if hashlib.sha256(body).digest() != data[len(MAGIC):len(MAGIC) + _DIGEST]:
            return None
        try:
            return self._checked(marshal.loads(body))
        except (ValueError, EOFError, TypeError, pickle.UnpicklingError, AttributeError, IndexError):
            return None

    def write(self, checked: Checked) -> bool:
        """Keep a clean load for the next start. False when it cannot be kept (a warning's
        file outside the folder, a data directory that cannot be written): the next start
        is only slower."""
        try:
            warnings = [(str(w.path.relative_to(self.folder)), w.line, w.message) for w in checked.warnings]
        except ValueError:
            return False
        body = marshal.dumps({
            "key": self.key,
            "warnings": warnings,
            "journal_reads": {name: sorted(keys) for name, keys in checked.journal_reads.items()},
            "templates": checked.compiled.templates,
            "expressions": checked.compiled.expressions,
            "files": checked.compiled.files,
            "scripts": pickle.dumps(checked.scripts, protocol=pickle.HIGHEST_PROTOCOL),
        })
        try:
            write_private(self.path, MAGIC + hashlib.sha256(body).digest() + body)
        except OSError:
            return False
        return True

    def _checked(self, payload: object) -> Checked | None:
        if not isinstance(payload, dict) or payload.get("key") != self.key:
            return None
        warnings = payload.get("warnings")
        reads = payload.get("journal_reads")
        if not isinstance(warnings, list) or not isinstance(reads, dict):
            return None
        found: list[Problem] = []
        for item in warnings:
            if not (isinstance(item, tuple) and len(item) == 3 and isinstance(item[0], str) and isinstance(item[1], int) and isinstance(item[2], str)):
                return None
            found.append(Problem(self.folder / item[0], item[1], item[2]))
        journal_reads: dict[str, frozenset[str]] = {}
        for name, keys in reads.items():
            if not isinstance(name, str) or not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
                return None
            journal_reads[name] = frozenset(keys)
        templates, expressions = _codes(payload.get("templates")), _codes(payload.get("expressions"))
        files = payload.get("files")
        if templates is None or expressions is None or not isinstance(files, dict):
            return None
        if not all(isinstance(k, str) and isinstance(v, bytes) for k, v in files.items()):
            return None
        pickled = payload.get("scripts")
        scripts = _ScriptsOnly(io.BytesIO(pickled)).load() if isinstance(pickled, bytes) else None
        if not isinstance(scripts, list) or not all(isinstance(s, Script) for s in scripts):
            return None
        return Checked(found, journal_reads, Compiled(templates, expressions, files), scripts)


def digest(folder: Path, vocabulary: Vocabulary) -> str:
    """Everything a load's verdict depends on, as one SHA-256."""
    found = hashlib.sha256(MAGIC)
    # the folder as named and where that is: the kept scripts name their files from it
    for part in (sys.version, jinja2.__version__, yaml.__version__, str(folder), str(Path(folder).resolve())):
        found.update(part.encode() + b"\0")
    for field in fields(vocabulary):
        found.update(repr((field.name, sorted(getattr(vocabulary, field.name)))).encode() + b"\0")
    for file in (*_files(ENGINE, "*.py"), b"\0\0", *_files(Path(folder), "**/*")):
        found.update(file)
    return found.hexdigest()


def _files(root: Path, pattern: str) -> Iterator[bytes]:
    """Each file's path (from ``root``) and bytes."""
    for path in sorted(root.glob(pattern)):
        if path.is_file():
            yield str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0"


class _ScriptsOnly(pickle.Unpickler):
    """Builds the engine's script classes (``engine.script``) and paths, nothing else."""

    def find_class(self, module: str, name: str) -> type:
        if module == script_module.__name__:
            found = getattr(script_module, name, None)
            if isinstance(found, type) and is_dataclass(found):
                return found
        if module == "pathlib" and name in ("PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"):
            found_path: type = getattr(pathlib, name)
            return found_path
        raise pickle.UnpicklingError(f"not a script's part: {module}.{name}")


def _codes(value: object) -> dict[str, CodeType] | None:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, CodeType) for k, v in value.items()):
        return None
    return value


