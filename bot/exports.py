"""Where an operator's export of a person's data lands, and the record of a legal request.

An export is a person's words in plain text, so it goes where only the operator's user can
read it: a folder of its own (0700) under ``exports/`` in the data directory, named after the
person and the moment with a random end, so two exports never share a folder and none
overwrites another; each file 0600 (``private_files.write_private``).

``innerchild export`` exports console people only (a Telegram person has ``/export`` in the
chat). The one command that shows an operator a Telegram person's words is
``innerchild privacy legal-export``, for a legal request; every use is recorded in the log and
in ``legal-requests.log`` (0600, appended) in the data directory: the fact, the person's id,
the reason given, the time and the operating-system user. Never the words.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from .domain import Document
from .private_files import private_dir, write_private

EXPORTS = "exports"
LEGAL_LOG = "legal-requests.log"
CONSOLE = "console:"
log = logging.getLogger(__name__)


class NotAConsolePerson(ValueError):
    """``innerchild export`` was given someone who is not a console person."""


def console_id(user: str) -> str:
    """The stored id of the console person ``user`` (``sam`` or ``console:sam``); any other
    adapter's id (``tg:123``) raises ``NotAConsolePerson`` with the line to show."""
    if user.startswith(CONSOLE):
        return user
    if ":" not in user:
        return CONSOLE + user
    if user.startswith("tg:"):
        raise NotAConsolePerson(f"{user} is a Telegram person: they export their own data with /export in the chat")
    raise NotAConsolePerson(f"{user} is not a console person: innerchild export takes a console user name")


def export_folder(root: Path, external_id: str, now: datetime) -> Path:
    """A new private folder under ``root`` (made 0700 if missing; an operator's own ``--out``
    is left as it is, the export's folder in it is private) for one export:
    ``<person>-<UTC time>-<random>``, never one that exists."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{_folder_name(external_id)}-{now:%Y%m%dT%H%M%SZ}-", dir=root))  # mkdtemp makes it 0700


def folders_of(root: Path, external_id: str) -> list[Path]:
    """The export folders ``export_folder`` made for this person under ``root`` (for ``/delete``
    in the console: their copies go with everything else)."""
    if not root.is_dir():
        return []
    name = re.compile(re.escape(_folder_name(external_id)) + r"-\d{8}T\d{6}Z-[^/]+")
    return [path for path in root.iterdir() if path.is_dir() and name.fullmatch(path.name)]


def _folder_name(external_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", external_id)[:64] or "_"


def save_export(root: Path, external_id: str, now: datetime, documents: Iterable[Document]) -> list[Path]:
    """Write an export's files into a new private folder under ``root``; their paths."""
    folder = export_folder(root, external_id, now)
    written = []
    for document in documents:
        path = folder / Path(document.filename).name
        write_private(path, document.content)
        written.append(path)
    return written


def operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return f"uid {os.getuid()}"


def record_legal_request(data_dir: Path, external_id: str, reason: str, now: datetime) -> Path:
    """Record one legal-request export (before its files are written): a log line and a line
    of JSON appended to ``legal-requests.log`` (0600). The person's id, the reason, the time
    and who ran it; no word of theirs. Returns the record's path."""
    by = operator()
    log.warning("legal-request export of %s by %s at %s, reason: %s", external_id, by, now.isoformat(), reason)
    private_dir(data_dir)
    path = data_dir / LEGAL_LOG
    line = json.dumps({"at": now.isoformat(), "event": "legal-export", "person": external_id, "reason": reason, "by": by}, ensure_ascii=False)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return path
