"""A migrated database without the whole runtime, and the shipped library loaded once: the
seeded tests need only these (building a runtime reloads every script, seconds each time)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import check_dialogues
from bot.storage import Database
from tests.conftest import ROOT

LIBRARY, _PROBLEMS = check_dialogues(ROOT / "dialogues")


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def library():
    return LIBRARY
