"""Who may see and change what: a firm's data is reachable only by its members.

Asking for an object of another firm answers 404, never 403, so ids of other firms' plans reveal nothing.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..db import db_session
from ..models import Firm, Plan

HR_MANAGER = "hr_manager"
VIEWER = "viewer"


def firm_for(firm_id: int, *, write: bool = False) -> Firm:
    firm = db_session().get(Firm, firm_id)
    _check(firm_id if firm else None, write)
    return firm


def plan_for(plan_id: int, *, write: bool = False) -> Plan:
    plan = db_session().get(Plan, plan_id)
    _check(plan.firm_id if plan else None, write)
    return plan


def _check(firm_id: int | None, write: bool) -> None:
    role = current_user.role_in(firm_id) if firm_id is not None else None
    if role is None:
        abort(404)
    if write and role != HR_MANAGER:
        abort(403)


def can_edit(firm_id: int) -> bool:
    return current_user.is_authenticated and current_user.role_in(firm_id) == HR_MANAGER
