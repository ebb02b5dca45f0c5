"""Building the companion from settings: the one place that wires the layers together.

Every entry point (console chat, Telegram, the check-in commands) starts here, so the
same start-up checks run everywhere: the encryption key, the database migrations, and
every dialogue script and text validated before the first message is handled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import logging
from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .engine import DialogueLibrary, Problem, Vocabulary, load_library
from .vocabulary import ACTIONS, EXTRA_ACTIONS, EXTRA_PROFILE_FIELDS, EXTRA_TEXTS, REQUIRED_TEXTS

if TYPE_CHECKING:
    from .companion import Companion
    from .storage import Database

log = logging.getLogger(__name__)

class StartupError(Exception):
    """Something an operator must fix before the companion can start; one or more lines."""


@dataclass
class Runtime:
    settings: Settings
    database: "Database"
    library: DialogueLibrary
    companion: "Companion"


def vocabulary() -> Vocabulary:
    return Vocabulary(
        actions=frozenset(ACTIONS | EXTRA_ACTIONS),
        texts=frozenset(REQUIRED_TEXTS | EXTRA_TEXTS),
        profile_fields=Vocabulary().profile_fields | frozenset(EXTRA_PROFILE_FIELDS),
    )


def check_dialogues(folder: Path) -> tuple[DialogueLibrary, list[Problem]]:
    """Every operator file: the scripts, texts.yaml, and the check-in openings."""
    _load_features()
    library, problems = load_library(folder, vocabulary())
    if Path(folder).is_dir() and library.scripts:
        from .checkins.openers import load_openers

        problems = problems + load_openers(folder)[1]
    return library, problems


def configure_encryption(settings: Settings) -> str | None:
    """Use the configured key(s), or the embedded default's key file. Returns a notice."""
    from .storage import Cipher, key_file_keys, use_cipher

    if settings.encryption_key:
        use_cipher(Cipher([k for k in settings.encryption_key.split(",") if k.strip()]))
        return None
    keys, path, created = key_file_keys(settings.data_dir)
    use_cipher(Cipher(keys))
    return f"created a new encryption key at {path} (keep it safe: without it the journal cannot be read)" if created else None


def build(settings: Settings, *, migrate: bool | None = None) -> Runtime:
    """Open everything, or raise ``StartupError`` with lines an operator can act on."""
    from .companion import Companion
    from .storage import Database

    library, problems = check_dialogues(settings.dialogues_dir)
    if problems:
        raise StartupError("\n".join(str(p) for p in problems[:20]))
    notice = configure_encryption(settings)
    if notice:
        log.warning(notice)
    database = Database(settings.resolved_database_url)
    if migrate is None:
        migrate = database.is_sqlite
    if migrate:
        database.upgrade()
    elif not database.is_current():
        raise StartupError("the database is not up to date: run `innerchild db upgrade`")
    companion = Companion(
        database,
        library,
        default_country=settings.default_country,
        admin_ids=settings.admin_id_set,
        retention_days=settings.retention_days,
    )
    _install_features(companion, settings)
    return Runtime(settings, database, library, companion)


def _load_features() -> None:
    """Import optional features so they can register their actions and texts."""
    try:
        from . import checkins  # noqa: F401
    except ImportError:  # pragma: no cover - the feature is part of the package
        pass


def _install_features(companion: Companion, settings: Settings) -> None:
    from . import checkins

    install = getattr(checkins, "install", None)
    if install is not None:
        install(companion, settings)
