"""Background jobs as people see them: a page with a progress bar, the files when done, a retry when failed."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user

from .. import jobs, networks
from ..db import db_session
from ..models import Job, Network
from .access import can_edit
from .plan_forms import ActionForm

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def job_for(job_id: str, *, write: bool = False) -> Job:
    """A job of one of the user's firms (HR managers may retry it), or of a network the user coordinates."""
    job = db_session().get(Job, job_id)
    if job is not None and job.network_id is not None:
        network = db_session().get(Network, job.network_id)
        role = "hr_manager" if networks.is_coordinator(current_user, network) else None
    else:
        role = current_user.role_in(job.firm_id) if job is not None and job.firm_id is not None else None
    if role is None:
        abort(404)
    if write and role != "hr_manager":
        abort(403)
    return job


def can_retry(job: Job) -> bool:
    if job.network_id is not None:
        return networks.is_coordinator(current_user, db_session().get(Network, job.network_id))
    return can_edit(job.firm_id)


@bp.get("/<job_id>")
def show(job_id: str):
    job = job_for(job_id)
    return render_template("jobs/show.html", job=job, can_retry=can_retry(job), action_form=ActionForm())


@bp.get("/<job_id>.json")
def status(job_id: str):
    job = job_for(job_id)
    return jsonify(id=job.id, status=job.status, progress=job.progress, total=job.total, percent=job.percent,
                   error=job.error)  # fmt: skip


@bp.post("/<job_id>/retry")
def retry(job_id: str):
    job = job_for(job_id, write=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    jobs.retry(current_app._get_current_object(), job.id)
    return redirect(url_for("jobs.show", job_id=job.id))
