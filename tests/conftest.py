"""Shared fixtures: a real database (SQLite, and PostgreSQL when configured), a test key,
and a controllable clock, so tests move time instead of waiting for it.

PostgreSQL runs when ``INNERCHILD_TEST_POSTGRES_URL`` names a server (``.ci/run`` sets it):
the suite creates a fresh database for the run, a schema per test inside it, and drops the
database at the end.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import Cipher, use_cipher

ROOT = Path(__file__).resolve().parent.parent
TEST_KEY = "bJYvWQG4s1N8xq9mI2e2ZtJYd0m6Nq6pX0oQ2fS3bJ8="
POSTGRES_ADMIN_URL = os.environ.get("INNERCHILD_TEST_POSTGRES_URL", "")


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 1, 15, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(scope="session", autouse=True)
def library_once_per_content() -> Iterator[None]:
    """Most tests build a runtime, and loading and checking the 40-odd scripts is most of
    what that costs (seconds, against milliseconds for the rest). A folder whose files are
    byte for byte as they were (the same files with the same bytes) gives the same
    library, so each content is loaded once per test session; a test that edits a copy of
    the folder changes its files and gets a fresh load. The library is read-only once
    loaded (each turn attaches a person to the shared machines and detaches them again)."""
    import bot.app as app
    from bot.engine import DialogueLibrary, Problem

    real = app.load_library
    cache: dict[tuple[object, ...], tuple[DialogueLibrary, list[Problem]]] = {}

    def cached(folder: Path, vocabulary=None, cache_dir=None):  # load_library's own signature
        root = Path(folder).resolve()
        digest = hashlib.sha256()
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
        key = (root, digest.hexdigest(), vocabulary)
        if key not in cache:
            cache[key] = real(folder, vocabulary, cache_dir)
        library, problems = cache[key]
        return library, list(problems)

    app.load_library = cached
    yield
    app.load_library = real


@pytest.fixture(autouse=True)
def keep_umask() -> Iterator[None]:
    """A command run in this process (typer's CliRunner) sets its umask to 077
    (``private_files.private_umask``): the next test gets the one it had."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


@pytest.fixture(autouse=True)
def test_cipher() -> Cipher:
    cipher = Cipher([TEST_KEY])
    use_cipher(cipher)
    return cipher


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _pg_url(database: str, schema: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_ADMIN_URL).set(database=database)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if schema:
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    if not POSTGRES_ADMIN_URL:
        yield None
        return
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES_ADMIN_URL)
    name = f"innerchild_test_{uuid.uuid4().hex[:10]}"
    conninfo = dict(host=admin.host or "127.0.0.1", port=admin.port or 5432, user=admin.username or "postgres", dbname=admin.database or "postgres")
    if admin.password:
        conninfo["password"] = admin.password
    with psycopg.connect(**conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(**conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _backends() -> list[str]:
    return ["sqlite", "postgres"] if POSTGRES_ADMIN_URL else ["sqlite"]


@pytest.fixture(params=_backends())
def db_url(request, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each backend in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    database = request.getfixturevalue("postgres_database")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    import psycopg

    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES_ADMIN_URL)
    conninfo = dict(host=admin.host or "127.0.0.1", port=admin.port or 5432, user=admin.username or "postgres", dbname=database)
    with psycopg.connect(**conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    yield _pg_url(database, schema)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


def build_runtime(db_url: str, clock: FakeClock, tmp_path: Path, **settings: object):
    """The real composition root, on the given database, with the test clock."""
    from bot.app import build
    from bot.config import Settings

    values = dict(
        database_url=db_url,
        data_dir=tmp_path / "data",
        encryption_key=TEST_KEY,
        dialogues_dir=ROOT / "dialogues",
        _env_file=None,
    )
    values.update(settings)
    runtime = build(Settings(**values), migrate=True)
    runtime.companion.clock = clock
    return runtime


@pytest.fixture
def runtime(db_url: str, clock: FakeClock, tmp_path: Path):
    rt = build_runtime(db_url, clock, tmp_path)
    yield rt
    rt.database.dispose()


@pytest.fixture
def companion(runtime):
    return runtime.companion
