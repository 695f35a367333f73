"""Where a job's units run: on Celery workers, sent through a broker, or in a thread of the app process.

Neither executor knows what a unit does: the Celery sender only names the task and its arguments (the
worker, :mod:`welfare_plans.worker`, runs :func:`welfare_plans.jobs.run_unit`), and the thread executor
runs whatever callable the runner hands it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

TASK_NAME = "welfare_plans.run_job"  # the whole job, in order (kept for messages queued before units)
UNIT_TASK_NAME = "welfare_plans.run_unit"


class CelerySender:
    """A Celery client that only sends tasks, one per unit: the web app never imports the worker's code."""

    def __init__(self, broker: str) -> None:
        self.broker = broker
        self._client = None

    def client(self):
        """The Celery app, made on first use: a web process without jobs never loads Celery."""
        if self._client is None:
            from celery import Celery  # heavy, and needed only once a job is sent

            client = Celery("welfare_plans", broker=self.broker)
            client.conf.update(
                task_serializer="json", accept_content=["json"], broker_connection_retry_on_startup=True
            )
            self._client = client
        return self._client

    def send_units(self, job_id: str, positions: Iterable[int]) -> None:
        """Queue one task per unit, so that worker processes share a job."""
        client = self.client()
        for position in positions:
            client.send_task(UNIT_TASK_NAME, args=[job_id, position])


class ThreadExecutor:
    """One background thread per app, for installs without a broker; started when first used."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, work: Callable[..., Any], *args: Any) -> Future:
        """Run ``work(*args)`` after everything submitted before it."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="welfare-jobs")
            return self._pool.submit(work, *args)

    def shutdown(self, wait: bool = True) -> None:
        """Stop the thread, after the work already submitted when ``wait``."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait)
