"""Catalog ownership: a record of every provider handed from one plugin to another

Revision ID: 0011_catalog_ownership
Revises: 0010_sessions_and_audit
Create Date: 2026-11-29 17:30:00

A provider key and a service code belong to the plugin that first brought them into the catalog: the
``plugin`` column of their rows, which a sync no longer overwrites. An administrator hands a provider on
with ``flask catalog transfer``; each transfer is kept here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_catalog_ownership"
down_revision = "0010_sessions_and_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_key", sa.String(length=100), nullable=False),
        sa.Column("from_plugin", sa.String(length=100), nullable=False),
        sa.Column("to_plugin", sa.String(length=100), nullable=False),
        sa.Column("services", sa.Integer(), nullable=False),
        sa.Column("transferred_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_transfer")),
    )
    op.create_index(op.f("ix_catalog_transfer_provider_key"), "catalog_transfer", ["provider_key"])


def downgrade() -> None:
    op.drop_index(op.f("ix_catalog_transfer_provider_key"), table_name="catalog_transfer")
    op.drop_table("catalog_transfer")
