"""integrity: a revision on plans and parts, CHECK constraints on every amount and count of a plan

Revision ID: 0010_integrity
Revises: 0009
Create Date: 2026-11-29 17:10:00.000000

Plans and members' parts count their saves (``revision``), so a form built at one revision is stale once
another save moved it on; a plan's changes record the revision they made.

Every amount of a plan is a number from zero to a maximum with at most two decimals, every count a whole
number from zero to a maximum (the bounds of ``welfare_plans.domain.plan``, written out here as they are
today). On SQLite, which kept whatever it was given (an infinity, 1e30), the values stored before these
checks existed stay as they are, so that their pages show them as errors at their fields: the rows are
copied into the rebuilt tables with the CHECK constraints ignored for the copy, and SQLite checks a
constraint only when a row's columns it reads are written. PostgreSQL could hold nothing worse than
numbers above the bounds (its ``numeric(14, 2)`` refused infinities); those are set to zero, so that every
row passes the constraints (``NOT VALID`` constraints would keep them, but SQLAlchemy cannot reflect them).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_integrity"
down_revision = "0009"
branch_labels = None
depends_on = None

MAX_AMOUNT = "999999999.99"
MAX_QUANTITY = "9999999.99"
MAX_PEOPLE = 1_000_000


def _amount(column: str, maximum: str = MAX_AMOUNT) -> tuple[str, str]:
    return f"{column}_amount", f"{column} >= 0 AND {column} <= {maximum} AND {column} = ROUND({column}, 2)"


def _count(column: str, maximum: int = MAX_PEOPLE) -> tuple[str, str]:
    return f"{column}_count", f"{column} >= 0 AND {column} <= {maximum}"


CHECKS = {
    "plan": [
        _count("family_count"),
        _count("former_count"),
        _count("citizens_count"),
        _count("claims_deadline_days", 365),
    ],
    "plan_category": [_count("headcount"), _amount("credit_per_worker")],
    "part_category": [_count("headcount"), _amount("credit_per_worker")],
    "plan_funding": [_amount("amount")],
    "part_funding": [_amount("amount")],
    "plan_item": [_amount("price"), _amount("quantity", MAX_QUANTITY)],
    "part_choice": [_count("people"), _amount("quantity", MAX_QUANTITY)],
}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _batch(table: str):
    # the tables a rebuilt table points to are not reflected: the catalog's expression index cannot be
    return op.batch_alter_table(table, schema=None, reflect_kwargs={"resolve_fks": False})


def upgrade() -> None:
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("member_part", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("plan_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=True))

    if _sqlite():
        # the rebuilt tables get their rows by INSERT ... SELECT: rows stored before the checks pass as they are
        op.execute("PRAGMA ignore_check_constraints = ON")
        try:
            for table, checks in CHECKS.items():
                with _batch(table) as batch_op:
                    for name, condition in checks:
                        batch_op.create_check_constraint(batch_op.f(f"ck_{table}_{name}"), condition)
        finally:
            op.execute("PRAGMA ignore_check_constraints = OFF")
    else:
        for table, checks in CHECKS.items():
            for name, condition in checks:
                column = name.rsplit("_", 1)[0]
                op.execute(f"UPDATE {table} SET {column} = 0 WHERE NOT ({condition})")  # noqa: S608 - our literals
                op.execute(f"ALTER TABLE {table} ADD CONSTRAINT ck_{table}_{name} CHECK ({condition})")


def downgrade() -> None:
    for table, checks in CHECKS.items():
        with _batch(table) as batch_op:
            for name, _condition in checks:
                batch_op.drop_constraint(batch_op.f(f"ck_{table}_{name}"), type_="check")
    with op.batch_alter_table("plan_change", schema=None) as batch_op:
        batch_op.drop_column("revision")
    with op.batch_alter_table("member_part", schema=None) as batch_op:
        batch_op.drop_column("revision")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_column("revision")
