"""Fixtures for the Telegram adapter tests: one real runtime per module (building it loads
every dialogue and migrates a database, about a second), and a new person per test so
tests never see each other's conversations."""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import FakeClock, build_runtime

_people = itertools.count(10_000, 10)


@pytest.fixture(scope="module")
def tg_runtime(tmp_path_factory):
    folder = tmp_path_factory.mktemp("telegram")
    runtime = build_runtime(f"sqlite:///{folder / 'test.db'}", FakeClock(), folder, telegram_token="123:ABC", message_pause=0)
    yield runtime
    runtime.database.dispose()


@pytest.fixture
def me() -> int:
    """A Telegram user id no other test uses (the next one is free for a second person)."""
    return next(_people)


@pytest.fixture(scope="module")
def tg():
    """A fake Bot API server for one test module's bot process."""
    from tests.fakes import FakeBotAPI

    from .e2e import TOKEN

    with FakeBotAPI(token=TOKEN) as fake:
        yield fake
