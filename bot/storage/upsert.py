"""``INSERT ... ON CONFLICT`` in the database's own dialect, importing only that dialect.

PostgreSQL and SQLite each have their own ``insert`` construct for an upsert. Importing
SQLAlchemy's PostgreSQL dialect costs a start on SQLite some 30 ms (its types, catalogue and
every driver's module) for statements it will never run, so the construct is looked up by
the dialect's name when a statement is first built.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

    Insert = PostgresInsert | SqliteInsert


class _InsertFunction(Protocol):
    def __call__(self, table: type[object]) -> Insert: ...


DIALECTS = ("postgresql", "sqlite")


def insert_for(dialect: str) -> _InsertFunction:
    """The dialect's ``insert`` (with ``on_conflict_do_nothing`` / ``_do_update``)."""
    if dialect not in DIALECTS:
        raise ValueError(f"no upsert for the {dialect} dialect: innerchild runs on PostgreSQL or SQLite")
    insert: _InsertFunction = import_module(f"sqlalchemy.dialects.{dialect}").insert
    return insert
