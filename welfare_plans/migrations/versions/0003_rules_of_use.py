"""rules of use

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:11:40.695151
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("new_hires_rule", sa.String(length=20), server_default="pro_rata", nullable=False)
        )
        batch_op.add_column(
            sa.Column("unused_credit_rule", sa.String(length=20), server_default="expires", nullable=False)
        )
        batch_op.add_column(
            sa.Column("claims_deadline_days", sa.Integer(), server_default="60", nullable=False)
        )
        batch_op.add_column(sa.Column("usage_notes", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_column("usage_notes")
        batch_op.drop_column("claims_deadline_days")
        batch_op.drop_column("unused_credit_rule")
        batch_op.drop_column("new_hires_rule")
