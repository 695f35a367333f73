"""The catalog's search index: SQLite FTS5, or PostgreSQL tsvector columns with GIN indexes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 07:10:00

Also the one-row catalog_state, which the sync fills. The index is filled by the next catalog sync (it rebuilds an index whose size does not match the
catalog), so this migration creates it empty. See welfare_plans/catalog/search_index.py.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("active_services", sa.Integer(), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_state")),
    )
    # the catalog page lists active services by name: walk an index in that order instead of sorting, and
    # count the active services from it (no plain index on withdrawn_at: SQLite would prefer it, and sort)
    with op.batch_alter_table("service_type", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_type_active_name", ["name", "code"], unique=False,
            sqlite_where=sa.text("withdrawn_at IS NULL"), postgresql_where=sa.text("withdrawn_at IS NULL"),
        )  # fmt: skip
    op.execute(
        "CREATE INDEX ix_service_type_active_name_en ON service_type (coalesce(name_en, name), code) "
        "WHERE withdrawn_at IS NULL"
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE service_search USING fts5("
            "keys, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
        )
    else:
        op.execute(
            "CREATE TABLE service_search ("
            "service_id INTEGER PRIMARY KEY REFERENCES service_type (id) ON DELETE CASCADE, "
            "keys TSVECTOR NOT NULL, body TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_service_search_keys ON service_search USING gin (keys)")
        op.execute("CREATE INDEX ix_service_search_body ON service_search USING gin (body)")


def downgrade() -> None:
    op.drop_table("catalog_state")
    op.execute("DROP TABLE service_search")
    op.execute("DROP INDEX ix_service_type_active_name_en")
    with op.batch_alter_table("service_type", schema=None) as batch_op:
        batch_op.drop_index("ix_service_type_active_name")
