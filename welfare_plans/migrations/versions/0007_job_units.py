"""Jobs are made of units that workers run in parallel, each with its own outcome

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 06:39:37.741623
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

job = sa.table(
    "job",
    sa.column("id", sa.String),
    sa.column("status", sa.String),
    sa.column("error", sa.Text),
    sa.column("results", sa.JSON),
)
job_unit = sa.table(
    "job_unit",
    sa.column("job_id", sa.String),
    sa.column("position", sa.Integer),
    sa.column("unit", sa.JSON),
    sa.column("status", sa.String),
    sa.column("result", sa.JSON),
    sa.column("attempts", sa.Integer),
)


def upgrade() -> None:
    op.create_table(
        "job_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["job.id"], name=op.f("fk_job_unit_job_id_job"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_unit")),
        sa.UniqueConstraint("job_id", "position", name=op.f("uq_job_unit_job_id")),
    )
    with op.batch_alter_table("job_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_unit_job_id"), ["job_id"], unique=False)

    # the units a job finished become unit rows; a job still queued or running is stopped, to be retried
    connection = op.get_bind()
    for job_id, status, results in connection.execute(sa.select(job.c.id, job.c.status, job.c.results)).all():
        rows = [
            {"job_id": job_id, "position": position, "unit": json.loads(result["unit"]), "status": "done",
             "result": {k: v for k, v in result.items() if k != "unit"}, "attempts": 1}
            for position, result in enumerate(results or [])
        ]  # fmt: skip
        if rows:
            connection.execute(job_unit.insert(), rows)
        if status in ("queued", "running"):
            connection.execute(
                job.update()
                .where(job.c.id == job_id)
                .values(status="failed", error="Interrupted by an upgrade: try again.")
            )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("results")


def downgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("results", sa.JSON(), nullable=True))
    connection = op.get_bind()
    finished: dict[str, list] = {}
    for job_id, unit, result in connection.execute(
        sa.select(job_unit.c.job_id, job_unit.c.unit, job_unit.c.result)
        .where(job_unit.c.status == "done")
        .order_by(job_unit.c.job_id, job_unit.c.position)
    ):
        finished.setdefault(job_id, []).append({"unit": json.dumps(unit, sort_keys=True), **(result or {})})
    for job_id in connection.execute(sa.select(job.c.id)).scalars():
        connection.execute(job.update().where(job.c.id == job_id).values(results=finished.get(job_id, [])))
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.alter_column("results", existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("job_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_unit_job_id"))
    op.drop_table("job_unit")
