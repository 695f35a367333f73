"""The document jobs: every plan of a firm (``render_documents``), a joint plan with each member's annex
(``render_annexes``); registered with the app's jobs extension by :func:`welfare_plans.documents.init_app`.

Each unit is one document, rendered through the cache, so a unit that runs twice finds its file and
renders nothing more.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from .. import networks
from ..accounts import HR_MANAGER
from ..db import get_db
from ..domain.plan import WelfarePlan
from ..jobs import JobAccess, JobKind
from ..models import Firm, Job, Network, NetworkMember, Plan
from ..plans import kind_of, to_domain
from . import cache

EXTENSION_KEY = "welfare_plans.documents"


def owner_access(user: Any, job: Job) -> JobAccess:
    """Who may see a document job and retry it: a network's job, its coordinators, and the members who see
    every part of its plan (they may ask for that plan's document, which sends them here); a firm's job,
    the firm's people see it and its HR managers retry it. A job of neither (the command line's) is nobody's."""
    if job.network_id is not None:
        session = get_db().session()
        network = session.get(Network, job.network_id)
        coordinator = network is not None and networks.is_coordinator(user, network)
        plan_id = (job.params or {}).get("plan_id") if isinstance(job.params, dict) else None
        plan = session.get(Plan, plan_id) if isinstance(plan_id, int) and network is not None else None
        sees_plan = (
            plan is not None
            and kind_of(plan).owner_scope(plan) == {"network_id": job.network_id}
            and kind_of(plan).sees_everything(user, plan)
        )
        return JobAccess(may_see=coordinator or sees_plan, may_retry=coordinator)
    if job.firm_id is not None:
        role = user.role_in(job.firm_id)
        return JobAccess(may_see=role is not None, may_retry=role == HR_MANAGER)
    return JobAccess()


# -- render_documents --------------------------------------------------------------------------------------
def _document_units(app: Flask, params: dict) -> list:
    """The PDF of each of ``plan_ids`` in each of ``languages``: one unit per document."""
    return [
        [plan_id, language] for plan_id in params["plan_ids"] for language in params.get("languages", ["it"])
    ]


def _render_document(app: Flask, unit: list) -> dict:
    plan_id, language = unit
    with app.app_context():
        domain = to_domain(_plan(app, plan_id))
        path = cache.cached_document(app, domain, language)
    return {"plan_id": plan_id, "language": language, "title": domain.title, "file": path.name}


RENDER_DOCUMENTS = JobKind("render_documents", _document_units, _render_document, owner_access)


# -- render_annexes ----------------------------------------------------------------------------------------
def _annex_units(app: Flask, params: dict) -> list:
    """A joint plan's document and each member firm's annex, in each of ``languages``: one unit each
    (``"include_plan": false`` renders the annexes only).

    The firms are worked out when the job is created; each unit renders the plan as it is when the unit
    runs, so a job retried after a member changed its part renders the current figures."""
    plan_id, languages = params["plan_id"], params.get("languages", ["it"])
    with app.app_context():
        firms = sorted(part.firm_id for part in networks.counted_parts(_plan(app, plan_id)))
    variant = params.get("variant", "pdf/a-3u")
    documents = [[plan_id, "plan", language, variant] for language in languages]
    return (documents if params.get("include_plan", True) else []) + [
        [plan_id, firm_id, language] for firm_id in firms for language in languages
    ]


def _render_annex(app: Flask, unit: list) -> dict:
    plan_id, target, language, *variant = unit
    with app.app_context():
        domain = joint_plans(app).value(app, plan_id)
        if target == "plan":
            path = cache.cached_document(app, domain, language, *variant)
            return {"plan_id": plan_id, "language": language, "title": domain.title, "file": path.name}
        firm = get_db(app).session().get(Firm, target)
        if firm is None or not any(annex.vat_number == firm.vat_number for annex in domain.annexes):
            # the firm left the network while the job waited: nothing of it to render
            return {"plan_id": plan_id, "language": language, "title": str(target), "skipped": True}
        path = cache.cached_annex(app, domain, firm.vat_number, language)
        return {"plan_id": plan_id, "firm_id": firm.id, "language": language, "title": firm.legal_name,
                "file": path.name}  # fmt: skip


RENDER_ANNEXES = JobKind("render_annexes", _annex_units, _render_annex, owner_access)


class JointPlanCache:
    """The joint plan as a value, built once for the units of a job that one worker process runs in a row.

    A member's saved part moves the plan's ``updated_at``; joining, leaving or a firm's new name changes the
    members' rows; the network's name and coordinating body are on the cover: all are in the key, so a
    changed plan is built again. One plan at a time: a worker renders one job's units, then the next's."""

    def __init__(self) -> None:
        self._entry: tuple[tuple, WelfarePlan] | None = None

    def value(self, app: Flask, plan_id: int) -> WelfarePlan:
        """The joint plan ``plan_id`` as a value (call inside an app context)."""
        plan = _plan(app, plan_id)
        members = tuple(get_db(app).session().execute(
            select(NetworkMember.firm_id, NetworkMember.status, Firm.legal_name, Firm.vat_number, Firm.municipality_code)
            .join(Firm, Firm.id == NetworkMember.firm_id)
            .where(NetworkMember.network_id == plan.network_id)
            .order_by(NetworkMember.firm_id)
        ))  # fmt: skip
        network = plan.network
        key = (plan_id, plan.updated_at, plan.status, network.name, network.kind, network.coordinating_body,
               members)  # fmt: skip
        entry = self._entry
        if entry is None or entry[0] != key:
            entry = self._entry = (key, to_domain(plan))
        return entry[1]


def joint_plans(app: Flask) -> JointPlanCache:
    """The app's cache of the joint plan its document jobs are rendering."""
    return app.extensions[EXTENSION_KEY]


def _plan(app: Flask, plan_id: int) -> Plan:
    plan = get_db(app).session().get(Plan, plan_id)
    if plan is None:
        raise LookupError(f"plan {plan_id} no longer exists")
    return plan
