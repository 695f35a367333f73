"""Background jobs, on Celery workers when a broker is configured, in a thread of the app otherwise.

A job is a list of units (one document each), stored as rows. With a broker, each unit is a Celery task
of its own, so worker processes run a job's units in parallel; without one, a thread of the app runs
them one after another. The same :func:`run_unit` does the work in both. Every unit is idempotent
(documents are written to a temporary file, renamed, and named by a hash of their content), so a unit
retried, delivered twice, or resumed after its worker died never produces a second or half-written file;
units already done are skipped. The job's progress and status are counted from its units in one
statement, so workers finishing units at the same moment never lose each other's progress.

- :mod:`.runner`: the job and unit rows, dispatching, running a unit, recounting progress;
- :mod:`.executors`: the Celery sender and the app's job thread;
- :mod:`.registry`: the app's extension, with the kinds of job registered (:class:`JobKind`) by the
  packages whose work they are.
"""

from __future__ import annotations

from flask import Flask

from .executors import TASK_NAME, UNIT_TASK_NAME, CelerySender, ThreadExecutor
from .registry import EXTENSION_KEY, NO_ACCESS, JobAccess, JobKind, Jobs, get_jobs, register_kind
from .runner import access, create, dispatch, executor, job_key, retry, run_job, run_unit, submit

__all__ = [
    "EXTENSION_KEY",
    "NO_ACCESS",
    "TASK_NAME",
    "UNIT_TASK_NAME",
    "CelerySender",
    "JobAccess",
    "JobKind",
    "Jobs",
    "ThreadExecutor",
    "access",
    "create",
    "dispatch",
    "executor",
    "get_jobs",
    "init_app",
    "job_key",
    "register_kind",
    "retry",
    "run_job",
    "run_unit",
    "submit",
]


def init_app(app: Flask) -> Jobs:
    """Give ``app`` its jobs extension, with no kind registered yet."""
    return Jobs(app)
