"""The jobs extension of an app: the kinds of job registered with it and its executors.

A kind of job is registered by the package whose work it is (the documents package registers
``render_documents`` and ``render_annexes``), so the runner knows no kind by name. Everything lives on the
app, in ``app.extensions["welfare_plans.jobs"]``, as a Flask extension keeps its state: two apps in one
process (tests build many) never share kinds, threads or Celery clients.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from ..models import Job
from .executors import CelerySender, ThreadExecutor

EXTENSION_KEY = "welfare_plans.jobs"


@dataclass(frozen=True)
class JobAccess:
    """What a person may do with a job: see its progress and files, and retry it when it failed."""

    may_see: bool = False
    may_retry: bool = False


NO_ACCESS = JobAccess()


@dataclass(frozen=True)
class JobKind:
    """A kind of background job.

    ``plan_units(app, params)`` lists the job's units of work (JSON values) when the job is recorded;
    ``run_unit(app, unit)`` does one unit and returns what to show of it (a JSON object), and must be
    idempotent: a unit may run again after its worker died. ``access(user, job)`` says what a signed-in
    person may do with a job of this kind.
    """

    name: str
    plan_units: Callable[[Flask, dict], list]
    run_unit: Callable[[Flask, Any], dict]
    access: Callable[[Any, Job], JobAccess]


class Jobs:
    """The Flask extension: ``Jobs(app)`` or ``Jobs().init_app(app)``, one per app."""

    def __init__(self, app: Flask | None = None) -> None:
        self.kinds: dict[str, JobKind] = {}
        self.threads = ThreadExecutor()
        self._senders: dict[str, CelerySender] = {}
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION_KEY] = self

    def register(self, kind: JobKind) -> None:
        """Make ``kind`` known to this app; a name registered twice is a programming error."""
        if kind.name in self.kinds:
            raise ValueError(f"a job kind named {kind.name!r} is already registered")
        self.kinds[kind.name] = kind

    def kind(self, name: str) -> JobKind:
        """The kind registered as ``name``; LookupError when there is none."""
        try:
            return self.kinds[name]
        except KeyError:
            raise LookupError(f"no job kind {name!r} is registered") from None

    def sender(self, broker: str) -> CelerySender:
        """The Celery sender for ``broker``, made the first time it is needed."""
        if broker not in self._senders:
            self._senders[broker] = CelerySender(broker)
        return self._senders[broker]

    def shutdown(self, wait: bool = True) -> None:
        """Stop the app's job thread (after the work queued to it, with ``wait``)."""
        self.threads.shutdown(wait=wait)


def get_jobs(app: Flask) -> Jobs:
    """The jobs extension of ``app``."""
    return app.extensions[EXTENSION_KEY]


def register_kind(app: Flask, kind: JobKind) -> None:
    """Register a kind of job with ``app``."""
    get_jobs(app).register(kind)
