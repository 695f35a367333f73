"""Background jobs, on Celery workers when a broker is configured, in a thread of the app otherwise.

The same code runs in both: :func:`run_job` does the work of one job, unit by unit, recording progress
after each. Every unit is idempotent (documents are written to a temporary file, renamed, and named by
a hash of their content), so a job that is retried, delivered twice, or resumed after its worker died
never produces a second or half-written file; units already done are skipped on a retry.
"""

from __future__ import annotations

import hashlib
import json
import logging
import traceback
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from .db import get_db
from .models import Job

log = logging.getLogger(__name__)
TASK_NAME = "welfare_plans.run_job"
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
    """Record a job, or find the same work already queued or running; says whether it is new."""
    session = get_db(app).session_factory()
    try:
        key = job_key(kind, params)
        active = session.scalar(select(Job).where(Job.key == key, Job.status.in_(("queued", "running"))))
        if active is not None:
            return active, False
        job = Job(id=uuid.uuid4().hex, kind=kind, key=key, firm_id=firm_id, network_id=network_id, created_by_id=user_id, params=params,
                  status="queued", created_at=now(), results=[])  # fmt: skip
        job.total = len(KINDS[kind].units(app, params))
        session.add(job)
        session.commit()
        return job, True
    finally:
        session.close()


def submit(app: Flask, kind: str, params: dict, **owner) -> Job:
    """Queue a job; the same work already queued or running is not queued twice. ``owner``: the
    ``firm_id`` or ``network_id`` whose people may see it, and the ``user_id`` who asked."""
    job, new = create(app, kind, params, **owner)
    if new:
        dispatch(app, job.id)
    return job


def retry(app: Flask, job_id: str) -> None:
    session = get_db(app).session_factory()
    try:
        job = session.get(Job, job_id)
        if job is None or job.status != "failed":
            return
        job.status, job.error = "queued", None
        session.commit()
    finally:
        session.close()
    dispatch(app, job_id)


def dispatch(app: Flask, job_id: str) -> None:
    broker = app.config.get("CELERY_BROKER_URL")
    if broker:
        celery_client(broker).send_task(TASK_NAME, args=[job_id])
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
    """Do a job's remaining units, recording progress after each; a failure is recorded with its reason."""
    session = get_db(app).session_factory()
    try:
        job = session.get(Job, job_id)
        if job is None or job.status == "done":
            return job
        job.status, job.attempts, job.error = "running", job.attempts + 1, None
        job.started_at = job.started_at or now()
        session.commit()
        kind = KINDS[job.kind]
        try:
            units = kind.units(app, job.params)
            job.total = len(units)
            done = {result["unit"] for result in job.results}
            for unit in _pending(units, done):
                result = kind.run_unit(app, unit)
                job.results = [*job.results, {"unit": _unit_id(unit), **result}]
                job.progress = len(job.results)
                session.commit()
                if on_progress:
                    on_progress(job)
            job.status, job.finished_at = "done", now()
        except Exception as error:
            session.rollback()
            job = session.get(Job, job_id)
            job.status, job.finished_at = "failed", now()
            job.error = f"{type(error).__name__}: {error}"
            log.error("job %s failed:\n%s", job_id, traceback.format_exc())
            session.commit()
            raise
        session.commit()
        return job
    finally:
        session.close()


def _unit_id(unit) -> str:
    return json.dumps(unit, sort_keys=True)


def _pending(units: list, done: set[str]) -> Iterator:
    return (unit for unit in units if _unit_id(unit) not in done)


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
    """A joint plan's document and each member firm's annex, in each of ``languages``: one unit each.

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
        return [[plan_id, "plan", language, variant] for language in languages] + [
            [plan_id, firm_id, language] for firm_id in firms for language in languages
        ]

    def run_unit(self, app: Flask, unit) -> dict:
        from . import documents
        from .models import Firm
        from .plans import to_domain

        plan_id, target, language, *variant = unit
        with app.app_context():
            domain = to_domain(_plan(app, plan_id))
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


def _plan(app: Flask, plan_id: int):
    from .models import Plan

    plan = get_db(app).session().get(Plan, plan_id)
    if plan is None:
        raise LookupError(f"plan {plan_id} no longer exists")
    return plan
