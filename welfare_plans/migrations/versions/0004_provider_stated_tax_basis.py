"""provider-stated tax basis

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 04:28:55.876944
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tax_basis", sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.drop_column("tax_basis")
