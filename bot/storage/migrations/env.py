"""Alembic environment: run migrations on the connection the application hands over."""

from alembic import context
from sqlalchemy import create_engine

import bot.storage.budget  # its table joins Base's metadata
import bot.storage.checkin_models  # noqa: F401 - its tables join Base's metadata
from bot.storage.models import Base

target_metadata = Base.metadata
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as connection:
            _migrate(connection)
    else:
        _migrate(connection)


def _migrate(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
