"""The generic runner: a job and its units as rows, dispatching them, running one unit, counting progress.

The runner knows no kind of job: it asks the app's registry (:mod:`.registry`) for the kind's units and
for the code that does one. :func:`run_unit` is the same code on a Celery worker and in the app's thread.
"""

from __future__ import annotations

import hashlib
import json
import logging
import traceback
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from ..db import get_db
from ..models import Job, JobUnit
from .executors import ThreadExecutor
from .registry import NO_ACCESS, JobAccess, get_jobs

log = logging.getLogger(__name__)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def job_key(kind: str, params: dict) -> str:
    """The same work asked twice has the same key."""
    return hashlib.sha256(json.dumps([kind, params], sort_keys=True).encode()).hexdigest()


def create(
    app: Flask,
    kind: str,
    params: dict,
    *,
    firm_id: int | None = None,
    network_id: int | None = None,
    user_id: int | None = None,
) -> tuple[Job, bool]:
    """Record a job and its units, or find the same work already queued or running; says whether it is new."""
    session = get_db(app).session_factory()
    try:
        key = job_key(kind, params)
        active = session.scalar(select(Job).where(Job.key == key, Job.status.in_(("queued", "running"))))
        if active is not None:
            return active, False
        job = Job(id=uuid.uuid4().hex, kind=kind, key=key, firm_id=firm_id, network_id=network_id,
                  created_by_id=user_id, params=params, status="queued", created_at=now())  # fmt: skip
        _plan_units(app, job)
        session.add(job)
        session.commit()
        return job, True
    finally:
        session.close()


def _plan_units(app: Flask, job: Job) -> None:
    """The job's units of work, as rows waiting to run."""
    units = get_jobs(app).kind(job.kind).plan_units(app, job.params)
    job.units = [JobUnit(position=i, unit=unit, status="pending") for i, unit in enumerate(units)]
    job.total = len(job.units)


def submit(app: Flask, kind: str, params: dict, **owner: Any) -> Job:
    """Queue a job; the same work already queued or running is not queued twice. ``owner``: the
    ``firm_id`` or ``network_id`` whose people may see it, and the ``user_id`` who asked."""
    job, new = create(app, kind, params, **owner)
    if new:
        dispatch(app, job.id)
    return job


def retry(app: Flask, job_id: str) -> None:
    """Run a failed job's unfinished units again."""
    session = get_db(app).session_factory()
    try:
        job = session.get(Job, job_id)
        if job is None or job.status != "failed":
            return
        if not job.units:  # a job from before units were rows: work them out again
            _plan_units(app, job)
        for unit in job.units:
            if unit.status != "done":
                unit.status, unit.error = "pending", None
        job.status, job.error, job.finished_at = "queued", None, None
        session.commit()
    finally:
        session.close()
    dispatch(app, job_id)


def dispatch(app: Flask, job_id: str) -> None:
    """Hand the job's unfinished units to the Celery workers when a broker is configured (one task each),
    otherwise to the app's job thread."""
    broker = app.config.get("CELERY_BROKER_URL")
    if broker:
        get_jobs(app).sender(broker).send_units(job_id, _unfinished(app, job_id))
    else:
        executor(app).submit(_run_logged, app, job_id)


def executor(app: Flask) -> ThreadExecutor:
    """The app's job thread, for installs without a broker."""
    return get_jobs(app).threads


def access(app: Flask, user: Any, job: Job | None) -> JobAccess:
    """What ``user`` (a signed-in person) may do with ``job``, as the job's kind decides."""
    kind = get_jobs(app).kinds.get(job.kind) if job is not None else None
    return kind.access(user, job) if kind is not None else NO_ACCESS


def _run_logged(app: Flask, job_id: str) -> None:
    try:
        run_job(app, job_id)
    except Exception:
        log.exception("job %s failed", job_id)


def run_job(app: Flask, job_id: str, on_progress: Callable[[Job], None] | None = None) -> Job | None:
    """Do a job's unfinished units one after another; stops at the first that fails (and raises)."""
    for position in _unfinished(app, job_id):
        run_unit(app, job_id, position)
        if on_progress:
            on_progress(_load(app, job_id))
    return _load(app, job_id)


def _unfinished(app: Flask, job_id: str) -> list[int]:
    """The positions of a job's units that are not done, in order."""
    session = get_db(app).session_factory()
    try:
        return list(session.scalars(
            select(JobUnit.position).where(JobUnit.job_id == job_id, JobUnit.status != "done").order_by(JobUnit.position)
        ))  # fmt: skip
    finally:
        session.close()


def _load(app: Flask, job_id: str) -> Job | None:
    session = get_db(app).session_factory()
    try:
        job = session.get(Job, job_id)
        if job is not None:
            session.expunge(job)
        return job
    finally:
        session.close()


def run_unit(app: Flask, job_id: str, position: int) -> None:
    """Do one unit of a job, unless it is done already; record its outcome and recount the job."""
    session = get_db(app).session_factory()
    try:
        unit = session.scalar(select(JobUnit).where(JobUnit.job_id == job_id, JobUnit.position == position))
        if unit is None or unit.status == "done":
            return
        job = session.get(Job, job_id)
        unit.status, unit.attempts, unit.error = "running", unit.attempts + 1, None
        unit.started_at = now()
        job.attempts = max(job.attempts, unit.attempts)
        if job.status != "failed":
            job.status = "running"
        job.started_at = job.started_at or now()
        kind, work = get_jobs(app).kind(job.kind), unit.unit
        session.commit()
        try:
            result = kind.run_unit(app, work)
        except Exception as error:
            session.rollback()
            message = f"{type(error).__name__}: {error}"
            unit = session.get(JobUnit, unit.id)
            unit.status, unit.error, unit.finished_at = "failed", message, now()
            session.commit()
            _recount(session, job_id, error=message)
            log.error("job %s, unit %s failed:\n%s", job_id, position, traceback.format_exc())
            raise
        unit.status, unit.result, unit.finished_at = "done", result, now()
        session.commit()
        _recount(session, job_id)
    finally:
        session.close()


def _recount(session: Session, job_id: str, error: str | None = None) -> None:
    """The job's progress and status from its units, in one statement (workers may finish together)."""

    def count(status: str):
        return (
            select(func.count()).where(JobUnit.job_id == job_id, JobUnit.status == status).scalar_subquery()
        )

    done = count("done")
    values = {
        "progress": done,
        "status": case((done == Job.total, "done"), (count("failed") > 0, "failed"), else_=Job.status),
        "finished_at": case((done == Job.total, now()), (count("failed") > 0, now()), else_=Job.finished_at),
    }
    if error is not None:
        values["error"] = error
    session.execute(update(Job).where(Job.id == job_id).values(**values))
    session.commit()
