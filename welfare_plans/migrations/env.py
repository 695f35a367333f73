"""Alembic environment: the engine comes from the app (see welfare_plans.schema)."""

from alembic import context

from welfare_plans import models  # noqa: F401 - registers the mapped classes on the metadata
from welfare_plans.db import Base
from welfare_plans.schema import include_object

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds a table by copying it and dropping the old one; with foreign keys enforced
        # that drop would cascade-delete every child row (a plan's categories, items, partners...).
        # The pragma only takes effect outside a transaction, so it comes first.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left rows pointing to nothing: {broken[:5]}")
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
