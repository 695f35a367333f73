"""Background jobs as people see them: a page with a progress bar, the files when done, a retry when failed."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user

from .. import jobs
from ..db import db_session
from ..jobs import JobAccess
from ..models import Job
from .plan_forms import ActionForm

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def job_for(job_id: str, *, retry: bool = False) -> tuple[Job, JobAccess]:
    """The job and what the user may do with it: 404 when they may not see it, 403 when ``retry`` is
    asked of someone who may only look."""
    job = db_session().get(Job, job_id)
    access = jobs.access(current_app._get_current_object(), current_user, job)
    if not access.may_see:
        abort(404)
    if retry and not access.may_retry:
        abort(403)
    return job, access


@bp.get("/<job_id>")
def show(job_id: str):
    job, access = job_for(job_id)
    return render_template("jobs/show.html", job=job, can_retry=access.may_retry, action_form=ActionForm())


@bp.get("/<job_id>.json")
def status(job_id: str):
    job, _access = job_for(job_id)
    return jsonify(id=job.id, status=job.status, progress=job.progress, total=job.total, percent=job.percent,
                   error=job.error)  # fmt: skip


@bp.post("/<job_id>/retry")
def retry(job_id: str):
    job, _access = job_for(job_id, retry=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    jobs.retry(current_app._get_current_object(), job.id)
    return redirect(url_for("jobs.show", job_id=job.id))
