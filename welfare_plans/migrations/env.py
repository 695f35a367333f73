"""Alembic environment: the engine comes from the app (see welfare_plans.schema)."""

from alembic import context

from welfare_plans import models  # noqa: F401 - registers the mapped classes on the metadata
from welfare_plans.db import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
