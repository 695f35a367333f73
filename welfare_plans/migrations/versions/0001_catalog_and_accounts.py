"""catalog and accounts

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:37:48.846524
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("plugin", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("legal_form", sa.String(length=40), nullable=False),
        sa.Column("tax_id", sa.String(length=16), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("applies_national_contract", sa.Boolean(), nullable=False),
        sa.Column("has_safety_policy", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider")),
        sa.UniqueConstraint("key", name=op.f("uq_provider_key")),
    )
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_plugin"), ["plugin"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_platform_admin", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    op.create_table(
        "service_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("plugin", sa.String(length=100), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("need_area", sa.String(length=40), nullable=False),
        sa.Column("delivery_modes", sa.JSON(), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_service_type_provider_id_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_type")),
        sa.UniqueConstraint("code", name=op.f("uq_service_type_code")),
    )
    with op.batch_alter_table("service_type", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_type_need_area"), ["need_area"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_type_plugin"), ["plugin"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_type_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "service_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=3), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service_type.id"],
            name=op.f("fk_service_area_service_id_service_type"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_area")),
    )
    with op.batch_alter_table("service_area", schema=None) as batch_op:
        batch_op.create_index("ix_service_area_place", ["province_code", "municipality_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_area_service_id"), ["service_id"], unique=False)

    op.create_table(
        "service_beneficiary",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_group", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service_type.id"],
            name=op.f("fk_service_beneficiary_service_id_service_type"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_id", "beneficiary_group", name=op.f("pk_service_beneficiary")),
    )
    with op.batch_alter_table("service_beneficiary", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_beneficiary_beneficiary_group"), ["beneficiary_group"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("service_beneficiary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_beneficiary_beneficiary_group"))

    op.drop_table("service_beneficiary")
    with op.batch_alter_table("service_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_area_service_id"))
        batch_op.drop_index("ix_service_area_place")

    op.drop_table("service_area")
    with op.batch_alter_table("service_type", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_type_provider_id"))
        batch_op.drop_index(batch_op.f("ix_service_type_plugin"))
        batch_op.drop_index(batch_op.f("ix_service_type_need_area"))

    op.drop_table("service_type")
    op.drop_table("user_account")
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_plugin"))

    op.drop_table("provider")
