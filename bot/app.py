"""The composition root: the one place that wires the layers together and installs features.

Every entry point (console chat, Telegram, the check-in commands) starts here, so the
same start-up checks run everywhere: the encryption key, the database migrations, and
every dialogue script and text validated before the first message is handled (scripts
unchanged since the last clean start by that start's kept verdict: ``engine.library_cache``),
with the safety lexicon and model loaded, so the first message waits for none of it.

Read ``build`` top to bottom: the core's commands, actions and profile fields go into a
``Features`` object, then the check-ins' and progress's (``assemble``); the scripts are checked against
what those offer; the database opens; the companion gets the features.
"""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

from . import checkins, core, lexicon_verdict, progress
from .config import Settings
from .core import Companion, Features
from .datadir import DataDirError, usable_data_dir
from .engine import DialogueLibrary, Problem, load_library
from .private_files import private_dir, tighten
from .reload import LAST_GOOD
import safety
from safety import lexicon as safety_lexicon
from safety import model as safety_model

from .runtime import Runtime, StartupError
from .storage import KEY_FILE, Cipher, Database, KeyMismatch, check_key, key_file_keys, use_cipher

__all__ = [
    "Runtime", "StartupError", "assemble", "build", "check_dialogues", "configure_encryption", "data_dir_ready", "verify_key", "wrong_key",
]

log = logging.getLogger(__name__)


def assemble(dialogues_dir: Path) -> tuple[Features, list[Problem]]:
    """Everything the companion offers: the core first, then each feature, explicitly."""
    features = Features()
    core.install(features)
    problems = checkins.install(features, dialogues_dir)
    progress.install(features)
    return features, problems


def load(folder: Path, cache_dir: Path | None = None) -> tuple[DialogueLibrary, Features, list[Problem]]:
    """Every operator file: the scripts and texts.yaml, checked against what the features
    offer, and each feature's own files (the check-in openings). ``cache_dir``: the data
    directory, where a clean load is kept for the next (``engine.library_cache``)."""
    features, feature_problems = assemble(folder)
    library, problems = load_library(folder, features.vocabulary(), cache_dir)
    if Path(folder).is_dir() and library.scripts:
        problems = problems + feature_problems
    return library, features, problems


def serve_last_good(settings: Settings, problems: list[Problem]) -> tuple[DialogueLibrary, Features]:
    """The last good copy of the scripts, when the folder is broken at start-up; else the
    ``StartupError`` listing the folder's problems."""
    copy = settings.data_dir / LAST_GOOD
    listed = "\n".join(str(p) for p in problems[:20])
    if not copy.is_dir():
        raise StartupError(listed)
    library, features, copy_problems = load(copy)
    if copy_problems:
        raise StartupError(listed)
    for problem in problems:
        log.error("%s", problem)
    log.error(
        "THE DIALOGUES IN %s HAVE %d PROBLEM(S) (above): serving the last good copy from %s instead. "
        "Fix them, then reload (kill -HUP) or restart.", settings.dialogues_dir, len(problems), copy,
    )
    return library, features


def check_dialogues(folder: Path) -> tuple[DialogueLibrary, list[Problem]]:
    library, _features, problems = load(folder)
    return library, problems


def data_dir_ready(settings: Settings) -> None:
    """The data directory exists and takes files, or ``StartupError`` with what to fix."""
    try:
        usable_data_dir(settings.data_dir)
    except DataDirError as exc:
        raise StartupError(str(exc)) from None


def configure_encryption(settings: Settings) -> str | None:
    """Use the configured key(s), or the embedded default's key file. Returns a notice.

    Any database but the embedded SQLite default needs INNERCHILD_ENCRYPTION_KEY: a key file
    is one host's, and processes sharing a database must share its key."""
    if settings.encryption_key:
        use_cipher(Cipher([k for k in settings.encryption_key.split(",") if k.strip()]))
        return None
    if not settings.embedded_database:
        hint = ""
        if (settings.data_dir / KEY_FILE).exists():
            hint = f" (this host's key file {settings.data_dir / KEY_FILE} may hold the key this database was created with)"
        raise StartupError(f"set INNERCHILD_ENCRYPTION_KEY (the same on every process): a key file is only for the embedded SQLite default{hint}")
    keys, path, created = key_file_keys(settings.data_dir)
    use_cipher(Cipher(keys))
    return f"created a new encryption key at {path} (keep it safe: without it the journal cannot be read)" if created else None


def verify_key(settings: Settings, database: Database) -> None:
    """Stop the start when the key cannot read the database (see ``storage.keycheck``)."""
    try:
        check_key(database)
    except KeyMismatch:
        raise wrong_key(settings) from None


def wrong_key(settings: Settings) -> StartupError:
    """The one line for a key that cannot read the database (at the key check, or in a
    migration that encrypts what the database already holds)."""
    if settings.encryption_key:
        return StartupError(
            "INNERCHILD_ENCRYPTION_KEY cannot read this database (it was encrypted with another key): "
            "set the key this database was created with; to change keys, list the new key first and the old one after it, "
            "then run `innerchild keys rotate`"
        )
    return StartupError(
        f"the key file {settings.data_dir / KEY_FILE} cannot read this database (it was encrypted with another key): "
        "restore the key file this database was created with, or set INNERCHILD_ENCRYPTION_KEY to that key"
    )


def load_safety(data_dir: Path | None = None) -> None:
    """Read the safety lexicon and model now: a missing or corrupt file, or a broken pattern,
    stops the start with one clear line, rather than failing on the first message someone
    sends. ``data_dir``: where the verdict on the phrase files is kept, so that unchanged
    files are not checked again (``lexicon_verdict``)."""
    try:
        lexicon_verdict.ready("en", data_dir)  # as ``safety.assess`` asks for it (its cache tells "en" from no argument)
        safety_model.load()
    except safety_model.ModelError as exc:
        raise StartupError(str(exc)) from None
    except (ValueError, LookupError, OSError, yaml.YAMLError) as exc:  # LexiconError is a ValueError
        raise StartupError(f"the safety lexicon in {safety_lexicon.LEXICON_DIR} cannot be read: {exc}") from None
    safety.assess("hello")  # and whatever else the detector makes on its first message


def private_data_dir(settings: Settings) -> None:
    """The data directory 0700 (an existing looser one tightened, or reported) and the embedded
    database's files 0600 (an earlier version left them 0644; new ones are made so by the umask)."""
    folder = settings.data_dir
    try:
        warning = private_dir(folder)
    except OSError as exc:
        raise StartupError(f"the data directory {folder} cannot be made ({exc.strerror or type(exc).__name__}): set INNERCHILD_DATA_DIR to a folder this user can write") from None
    left = tighten(*(folder / f"innerchild.db{suffix}" for suffix in ("", "-wal", "-shm"))) if settings.embedded_database else []
    for line in ([warning] if warning else []) + left:
        log.warning(line)


def build(settings: Settings, *, migrate: bool | None = None, last_good: bool = False, script_cache: bool = True) -> Runtime:
    """Open everything, or raise ``StartupError`` with lines an operator can act on.

    ``last_good`` (the bot, ``innerchild run``): a broken dialogues folder is served from
    the last copy that loaded cleanly (``reload.keep_last_good``), with the problems logged
    loudly, instead of refusing to start. ``script_cache``: a clean load of the scripts is
    kept in the data directory and spares the next start the checks (off: nothing is
    written there, as for ``dialogues play``)."""
    if script_cache or settings.embedded_database:
        data_dir_ready(settings)  # before anything writes there: the cache, the key file, the embedded database
        private_data_dir(settings)
    library, features, problems = load(settings.dialogues_dir, settings.data_dir if script_cache else None)
    if problems and last_good:
        library, features = serve_last_good(settings, problems)
    elif problems:
        raise StartupError("\n".join(str(p) for p in problems[:20]))
    load_safety(settings.data_dir if script_cache else None)
    notice = configure_encryption(settings)
    if notice:
        log.warning(notice)
    database = Database(settings.resolved_database_url)
    if migrate is None:
        migrate = database.is_sqlite
    try:
        if migrate:
            database.upgrade()  # after configure_encryption: a migration may encrypt what is stored
        elif not database.is_current():
            raise StartupError("the database is not up to date: run `innerchild db upgrade`")
        verify_key(settings, database)
    except KeyMismatch:
        database.dispose()
        raise wrong_key(settings) from None
    except StartupError:
        database.dispose()
        raise
    companion = Companion(
        database,
        library,
        features,
        default_country=settings.default_country,
        admin_ids=settings.admin_id_set,
        retention_days=settings.retention_days,
    )
    return Runtime(settings, database, companion)
