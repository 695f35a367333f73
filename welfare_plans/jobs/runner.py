"""Background jobs, on Celery workers when a broker is configured, in a thread of the app otherwise.

A job is a list of units (one document each), stored as rows. With a broker, each unit is a Celery task
of its own, so worker processes render a job's units in parallel; without one, a thread of the app runs
them one after another. The same :func:`run_unit` does the work in both. Every unit is idempotent
(documents are written to a temporary file, renamed, and named by a hash of their content), so a unit
retried, delivered twice, or resumed after its worker died never produces a second or half-written file;
units already done are skipped. The job's progress and status are counted from its units in one
statement, so workers finishing units at the same moment never lose each other's progress.
"""

from __future__ import annotations

import hashlib
import json
import logging
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import case, func, select, update

from .db import get_db
from .models import Job, JobUnit

log = logging.getLogger(__name__)
TASK_NAME = "welfare_plans.run_job"  # the whole job, in order (kept for messages queued before units)
UNIT_TASK_NAME = "welfare_plans.run_unit"
EXTENSION_KEY = "welfare_plans.jobs"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class JobKind:
    """What a kind of job does: its units of work, and how to do one (returning a result to show)."""

    units: Callable[[Flask, dict], list]
    run_unit: Callable[[Flask, object], dict]


KINDS: dict[str, JobKind] = {}


def job_kind(name: str):
    def register(cls):
        KINDS[name] = cls()
        return cls

    return register


def job_key(kind: str, params: dict) -> str:
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
    units = KINDS[job.kind].units(app, job.params)
    job.units = [JobUnit(position=i, unit=unit, status="pending") for i, unit in enumerate(units)]
    job.total = len(job.units)


def submit(app: Flask, kind: str, params: dict, **owner) -> Job:
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
    broker = app.config.get("CELERY_BROKER_URL")
    if broker:
        client = celery_client(broker)
        for position in _unfinished(app, job_id):
            client.send_task(UNIT_TASK_NAME, args=[job_id, position])
    else:
        executor(app).submit(_run_logged, app, job_id)


def executor(app: Flask) -> ThreadPoolExecutor:
    """One background thread per app process, for installs without a broker."""
    if EXTENSION_KEY not in app.extensions:
        app.extensions[EXTENSION_KEY] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="welfare-jobs")
    return app.extensions[EXTENSION_KEY]


_clients: dict[str, object] = {}


def celery_client(broker: str):
    """A Celery client that only sends tasks: the web app never imports the worker's code."""
    if broker not in _clients:
        from celery import Celery

        client = Celery("welfare_plans", broker=broker)
        client.conf.update(
            task_serializer="json", accept_content=["json"], broker_connection_retry_on_startup=True
        )
        _clients[broker] = client
    return _clients[broker]


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
        kind, work = KINDS[job.kind], unit.unit
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


def _recount(session, job_id: str, error: str | None = None) -> None:
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


# -- kinds of job ------------------------------------------------------------------------------------------
@job_kind("render_documents")
class RenderDocuments:
    """The PDF of each of ``plan_ids`` in each of ``languages``: one unit per document."""

    def units(self, app: Flask, params: dict) -> list:
        return [
            [plan_id, language]
            for plan_id in params["plan_ids"]
            for language in params.get("languages", ["it"])
        ]

    def run_unit(self, app: Flask, unit) -> dict:
        from . import documents
        from .plans import to_domain

        plan_id, language = unit
        with app.app_context():
            domain = to_domain(_plan(app, plan_id))
            path = documents.cached_document(app, domain, language)
        return {"plan_id": plan_id, "language": language, "title": domain.title, "file": path.name}


@job_kind("render_annexes")
class RenderAnnexes:
    """A joint plan's document and each member firm's annex, in each of ``languages``: one unit each
    (``"include_plan": false`` renders the annexes only).

    The firms are worked out when the job is created; each unit renders the plan as it is when the unit
    runs, so a job retried after a member changed its part renders the current figures.
    """

    def units(self, app: Flask, params: dict) -> list:
        from .networks import counted_parts

        plan_id, languages = params["plan_id"], params.get("languages", ["it"])
        with app.app_context():
            plan = _plan(app, plan_id)
            firms = sorted(part.firm_id for part in counted_parts(plan))
        variant = params.get("variant", "pdf/a-3u")
        documents = [[plan_id, "plan", language, variant] for language in languages]
        return (documents if params.get("include_plan", True) else []) + [
            [plan_id, firm_id, language] for firm_id in firms for language in languages
        ]

    def run_unit(self, app: Flask, unit) -> dict:
        from . import documents
        from .models import Firm
        from .plans import to_domain

        plan_id, target, language, *variant = unit
        with app.app_context():
            domain = _joint_domain(app, plan_id, to_domain)
            if target == "plan":
                path = documents.cached_document(app, domain, language, *variant)
                return {"plan_id": plan_id, "language": language, "title": domain.title, "file": path.name}
            firm = get_db(app).session().get(Firm, target)
            if firm is None or not any(annex.vat_number == firm.vat_number for annex in domain.annexes):
                # the firm left the network while the job waited: nothing of it to render
                return {"plan_id": plan_id, "language": language, "title": str(target), "skipped": True}
            path = documents.cached_annex(app, domain, firm.vat_number, language)
            return {"plan_id": plan_id, "firm_id": firm.id, "language": language, "title": firm.legal_name,
                    "file": path.name}  # fmt: skip


_domains: dict[tuple, object] = {}


def _joint_domain(app: Flask, plan_id: int, to_domain):
    """The joint plan as a value, built once for the units of a job that one worker process runs in a row.

    A member's saved part moves the plan's ``updated_at``; joining, leaving or a firm's new name changes the
    members' rows; the network's name and coordinating body are on the cover: all are in the key, so a
    changed plan is built again."""
    from .models import Firm, NetworkMember

    plan = _plan(app, plan_id)
    members = tuple(get_db(app).session().execute(
        select(NetworkMember.firm_id, NetworkMember.status, Firm.legal_name, Firm.vat_number, Firm.municipality_code)
        .join(Firm, Firm.id == NetworkMember.firm_id)
        .where(NetworkMember.network_id == plan.network_id)
        .order_by(NetworkMember.firm_id)
    ))  # fmt: skip
    network = plan.network
    key = (
        plan_id,
        plan.updated_at,
        plan.status,
        network.name,
        network.kind,
        network.coordinating_body,
        members,
    )
    if key not in _domains:
        _domains.clear()  # one plan at a time: a worker renders one job's units, then the next job's
        _domains[key] = to_domain(plan)
    return _domains[key]


def _plan(app: Flask, plan_id: int):
    from .models import Plan

    plan = get_db(app).session().get(Plan, plan_id)
    if plan is None:
        raise LookupError(f"plan {plan_id} no longer exists")
    return plan
