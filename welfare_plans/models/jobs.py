"""Background jobs: long work (rendering many documents) with its progress, outcome and results.

A job is made of units (one document each), rows of their own: workers run units in parallel, each
recording its own outcome, and the job's progress is counted from them.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base


class Job(Base):
    __tablename__ = "job"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(64), index=True)  # the same work asked twice has the same key
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    params: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued, running, done, failed
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    units: Mapped[list[JobUnit]] = relationship(
        cascade="all, delete-orphan", order_by="JobUnit.position", lazy="selectin"
    )

    @property
    def results(self) -> list[dict]:
        """What each finished unit produced, in the units' order."""
        return [
            {"unit": json.dumps(u.unit, sort_keys=True), **u.result} for u in self.units if u.status == "done"
        ]

    @property
    def percent(self) -> int:
        return 100 if self.status == "done" else (100 * self.progress // self.total if self.total else 0)


class JobUnit(Base):
    """One unit of a job's work: ``pending``, ``running``, ``done`` (with its result) or ``failed``."""

    __tablename__ = "job_unit"
    __table_args__ = (UniqueConstraint("job_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    unit: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
