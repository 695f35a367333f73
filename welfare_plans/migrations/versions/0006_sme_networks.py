"""SME networks, their members and the member firms' parts of joint plans

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 06:02:11.528199
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("coordinating_body", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("territory_municipalities", sa.JSON(), nullable=False),
        sa.Column("territory_provinces", sa.JSON(), nullable=False),
        sa.Column("sharing_proposed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_network_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network")),
    )
    op.create_table(
        "network_coordinator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["network.id"],
            name=op.f("fk_network_coordinator_network_id_network"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_network_coordinator_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_coordinator")),
        sa.UniqueConstraint("network_id", "user_id", name=op.f("uq_network_coordinator_network_id")),
    )
    with op.batch_alter_table("network_coordinator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_coordinator_network_id"), ["network_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_network_coordinator_user_id"), ["user_id"], unique=False)

    op.create_table(
        "network_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("agrees_to_share", sa.Boolean(), nullable=False),
        sa.Column("invited_at", sa.DateTime(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_network_member_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user_account.id"],
            name=op.f("fk_network_member_invited_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["network.id"],
            name=op.f("fk_network_member_network_id_network"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"],
            ["user_account.id"],
            name=op.f("fk_network_member_responded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_member")),
        sa.UniqueConstraint("network_id", "firm_id", name=op.f("uq_network_member_network_id")),
    )
    with op.batch_alter_table("network_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_member_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_network_member_network_id"), ["network_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_network_member_status"), ["status"], unique=False)

    op.create_table(
        "member_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_member_part_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_member_part_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_member_part_updated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_part")),
        sa.UniqueConstraint("plan_id", "firm_id", name=op.f("uq_member_part_plan_id")),
    )
    with op.batch_alter_table("member_part", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_part_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_part_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "part_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("included", sa.Boolean(), nullable=False),
        sa.Column("credit_per_worker", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["member_part.id"],
            name=op.f("fk_part_category_part_id_member_part"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_part_category")),
    )
    with op.batch_alter_table("part_category", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_part_category_part_id"), ["part_id"], unique=False)

    op.create_table(
        "part_choice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=100), nullable=False),
        sa.Column("opted_in", sa.Boolean(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["member_part.id"],
            name=op.f("fk_part_choice_part_id_member_part"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_part_choice")),
        sa.UniqueConstraint("part_id", "service_code", name=op.f("uq_part_choice_part_id")),
    )
    with op.batch_alter_table("part_choice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_part_choice_part_id"), ["part_id"], unique=False)

    op.create_table(
        "part_funding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["member_part.id"],
            name=op.f("fk_part_funding_part_id_member_part"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_part_funding")),
    )
    with op.batch_alter_table("part_funding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_part_funding_part_id"), ["part_id"], unique=False)

    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("network_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_job_network_id"), ["network_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_job_network_id_network"), "network", ["network_id"], ["id"], ondelete="CASCADE"
        )

    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("network_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("open_to_member_employees", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.alter_column("firm_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f("ix_plan_network_id"), ["network_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_network_id_network"), "network", ["network_id"], ["id"]
        )


def downgrade() -> None:
    # a plan without a firm cannot exist before this revision: joint plans and their rows go
    joint = "SELECT id FROM plan WHERE network_id IS NOT NULL"
    for table in ("plan_change", "plan_category", "plan_funding", "plan_item", "plan_partner"):
        op.execute(f"DELETE FROM {table} WHERE plan_id IN ({joint})")  # noqa: S608 (constant names)
    op.execute(f"UPDATE plan SET previous_id = NULL WHERE previous_id IN ({joint})")  # noqa: S608
    op.execute("DELETE FROM plan WHERE network_id IS NOT NULL")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_plan_network_id_network"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_plan_network_id"))
        batch_op.alter_column("firm_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("open_to_member_employees")
        batch_op.drop_column("network_id")

    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_job_network_id_network"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_job_network_id"))
        batch_op.drop_column("network_id")

    with op.batch_alter_table("part_funding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_part_funding_part_id"))

    op.drop_table("part_funding")
    with op.batch_alter_table("part_choice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_part_choice_part_id"))

    op.drop_table("part_choice")
    with op.batch_alter_table("part_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_part_category_part_id"))

    op.drop_table("part_category")
    with op.batch_alter_table("member_part", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_part_plan_id"))
        batch_op.drop_index(batch_op.f("ix_member_part_firm_id"))

    op.drop_table("member_part")
    with op.batch_alter_table("network_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_member_status"))
        batch_op.drop_index(batch_op.f("ix_network_member_network_id"))
        batch_op.drop_index(batch_op.f("ix_network_member_firm_id"))

    op.drop_table("network_member")
    with op.batch_alter_table("network_coordinator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_coordinator_user_id"))
        batch_op.drop_index(batch_op.f("ix_network_coordinator_network_id"))

    op.drop_table("network_coordinator")
    op.drop_table("network")
