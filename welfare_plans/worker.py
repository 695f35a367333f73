"""The Celery worker: ``celery -A welfare_plans.worker worker --concurrency 2``.

Needs ``WELFARE_CELERY_BROKER_URL`` (Redis). Each unit of a job (one document) is a task; tasks are
acknowledged after they finish and put back when a worker dies, so a killed worker's unit is picked up
again, and every unit is idempotent. Worker
processes are recycled after ``JOB_MAX_TASKS_PER_CHILD`` documents, because WeasyPrint keeps the memory
it has used.
"""

from __future__ import annotations

from celery import Celery
from celery.signals import worker_process_init

from . import create_app
from .db import get_db
from .jobs import TASK_NAME, UNIT_TASK_NAME, run_job, run_unit

flask_app = create_app()
broker = flask_app.config.get("CELERY_BROKER_URL")
if not broker:
    raise RuntimeError("set WELFARE_CELERY_BROKER_URL (for example redis://127.0.0.1:6379/0) to run a worker")


def _transport_options(visibility_timeout: int) -> dict:
    """A task whose worker died goes back to the queue ``visibility_timeout`` seconds after delivery (keep
    it above JOB_TIME_LIMIT, or long tasks run twice). Kombu looks for such tasks only every 100 s by
    default; look every few seconds instead, so a dead worker's unit is not left waiting that long."""
    return {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": max(1, min(10, visibility_timeout // 3)),
        "unacked_restore_throttle": 1,
    }


celery = Celery("welfare_plans", broker=broker)
celery.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_backend=None,  # a job's state lives in the database
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    worker_max_tasks_per_child=flask_app.config["JOB_MAX_TASKS_PER_CHILD"],
    task_soft_time_limit=flask_app.config["JOB_SOFT_TIME_LIMIT"],
    task_time_limit=flask_app.config["JOB_TIME_LIMIT"],
    broker_connection_retry_on_startup=True,
    broker_transport_options=_transport_options(flask_app.config["CELERY_VISIBILITY_TIMEOUT"]),
)


@worker_process_init.connect
def _fresh_connections(**_kwargs) -> None:
    """A forked worker process must not share the parent's database connections."""
    get_db(flask_app).engine.dispose(close=False)


@celery.task(name=UNIT_TASK_NAME)
def run_unit_task(job_id: str, position: int) -> None:
    """One unit of a job: the app queues one task per unit, so worker processes share a job's units."""
    run_unit(flask_app, job_id, position)


@celery.task(name=TASK_NAME)
def run_job_task(job_id: str) -> None:
    """A whole job in order: for messages queued by a version that sent one task per job."""
    run_job(flask_app, job_id)
