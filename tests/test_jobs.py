"""Background jobs without a broker: the same task code runs in a thread of the app process."""

from pathlib import Path

import pytest
from helpers import csrf_token, login
from sqlalchemy import select

from welfare_plans import documents, jobs
from welfare_plans.accounts import find_user
from welfare_plans.db import db_session
from welfare_plans.demo import DEMO_COORDINATOR, DEMO_HR, DEMO_VIEWER, load_demo
from welfare_plans.jobs import NO_ACCESS, JobAccess, JobKind
from welfare_plans.models import Job, Plan


def drain(app):
    """Wait until the app's job thread has finished everything queued before this call."""
    jobs.executor(app).submit(lambda: None).result()


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo(app)
        plan = db_session().scalar(
            select(Plan).where(Plan.firm_id.is_not(None))
        )  # the firm's, not the network's
        return {"plan_id": plan.id, "firm_id": plan.firm_id}


def test_an_hr_manager_prepares_every_pdf_in_the_background_and_gets_them(app, demo):
    client = app.test_client()
    login(client, DEMO_HR["email"], DEMO_HR["password"])
    token = csrf_token(client, "/plans/")
    response = client.post(f"/plans/documents?firm={demo['firm_id']}", data={"csrf_token": token})
    job_url = response.headers["Location"]
    assert job_url.startswith("/jobs/")
    drain(app)
    state = client.get(job_url + ".json").get_json()
    assert state["status"] == "done" and state["progress"] == state["total"] == 2 and state["percent"] == 100
    page = client.get(job_url).get_data(as_text=True)
    assert "Piano di welfare aziendale 2026 (it)" in page and "Piano di welfare aziendale 2026 (en)" in page
    assert 'src="/static/jobs.js"' in page and 'max="100" value="100"' in page
    files = sorted(Path(app.config["DOCUMENTS_DIR"]).iterdir())
    assert len(files) == 2 and all(f.suffix == ".pdf" and not f.name.startswith(".") for f in files)


def test_the_same_work_asked_twice_while_queued_is_one_job(app, demo, monkeypatch):
    monkeypatch.setattr(jobs.runner, "dispatch", lambda app, job_id: None)  # nothing runs: both stay queued
    first = jobs.submit(app, "render_documents", {"plan_ids": [demo["plan_id"]]}, firm_id=demo["firm_id"])
    second = jobs.submit(app, "render_documents", {"plan_ids": [demo["plan_id"]]}, firm_id=demo["firm_id"])
    assert first.id == second.id


def test_a_failed_job_says_why_and_can_be_retried(app, demo, monkeypatch):
    real = documents.cached_document
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(documents.cache, "cached_document", flaky)
    job = jobs.submit(app, "render_documents", {"plan_ids": [demo["plan_id"]], "languages": ["it", "en"]},
                      firm_id=demo["firm_id"])  # fmt: skip
    drain(app)
    client = app.test_client()
    login(client, DEMO_HR["email"], DEMO_HR["password"])
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "OSError: disk full" in page and "Riprova" in page
    token = csrf_token(client, f"/jobs/{job.id}")
    client.post(f"/jobs/{job.id}/retry", data={"csrf_token": token})
    drain(app)
    with app.app_context():
        done = db_session().get(Job, job.id)
        assert (done.status, done.progress, done.attempts) == ("done", 2, 2)
        assert len({r["unit"] for r in done.results}) == 2
    assert len(calls) == 3  # the document made before the failure was not made again


def test_running_a_finished_job_again_changes_nothing(app, demo):
    job = jobs.submit(app, "render_documents", {"plan_ids": [demo["plan_id"]]}, firm_id=demo["firm_id"])
    drain(app)
    before = sorted(p.name for p in Path(app.config["DOCUMENTS_DIR"]).iterdir())
    jobs.run_job(app, job.id)
    with app.app_context():
        assert len(db_session().get(Job, job.id).results) == 1
    assert sorted(p.name for p in Path(app.config["DOCUMENTS_DIR"]).iterdir()) == before


def test_cli_renders_every_plan_with_a_progress_bar(app, demo):
    result = app.test_cli_runner().invoke(args=["plans", "render-all", "--lang", "it", "--lang", "en"])
    assert result.exit_code == 0, result.output
    # the firm's plan and the network's joint plan, in two languages
    assert "rendering documents" in result.output and "4 documents ready" in result.output


def test_who_may_see_and_retry_a_document_job_is_the_kinds_rule(app, demo, monkeypatch):
    monkeypatch.setattr(jobs.runner, "dispatch", lambda app, job_id: None)
    with app.app_context():
        joint = db_session().scalar(select(Plan).where(Plan.network_id.is_not(None)))
        firm_job = jobs.submit(
            app, "render_documents", {"plan_ids": [demo["plan_id"]]}, firm_id=demo["firm_id"]
        )
        network_job = jobs.submit(app, "render_annexes", {"plan_id": joint.id}, network_id=joint.network_id)
        command_line_job = jobs.submit(
            app, "render_documents", {"plan_ids": [demo["plan_id"]], "languages": ["en"]}
        )
        hr, viewer, coordinator = (
            find_user(db_session(), p["email"]) for p in (DEMO_HR, DEMO_VIEWER, DEMO_COORDINATOR)
        )
        assert jobs.access(app, hr, firm_job) == JobAccess(may_see=True, may_retry=True)
        assert jobs.access(app, viewer, firm_job) == JobAccess(may_see=True, may_retry=False)
        assert jobs.access(app, coordinator, firm_job) == NO_ACCESS
        assert jobs.access(app, coordinator, network_job) == JobAccess(may_see=True, may_retry=True)
        assert jobs.access(app, hr, network_job) == NO_ACCESS  # a member firm's people: not the network's job
        assert jobs.access(app, hr, command_line_job) == NO_ACCESS
        assert jobs.access(app, hr, None) == NO_ACCESS
    client = app.test_client()
    login(client, DEMO_VIEWER["email"], DEMO_VIEWER["password"])
    assert client.get(f"/jobs/{firm_job.id}.json").status_code == 200
    token = csrf_token(client, f"/jobs/{firm_job.id}")
    assert client.post(f"/jobs/{firm_job.id}/retry", data={"csrf_token": token}).status_code == 403
    assert client.get(f"/jobs/{network_job.id}").status_code == 404


def test_a_job_kind_registered_with_one_app_runs_through_the_runner_and_is_unknown_to_another(app, make_app):
    seen = []
    word_lengths = JobKind(
        "word_lengths",
        plan_units=lambda app, params: [[word] for word in params["words"]],
        run_unit=lambda app, unit: seen.append(unit) or {"word": unit[0], "length": len(unit[0])},
        access=lambda user, job: NO_ACCESS,
    )
    jobs.register_kind(app, word_lengths)
    with pytest.raises(ValueError, match="already registered"):
        jobs.register_kind(app, word_lengths)
    job = jobs.submit(app, "word_lengths", {"words": ["piano", "welfare"]})
    drain(app)
    with app.app_context():
        done = db_session().get(Job, job.id)
        assert (done.status, done.progress, done.total) == ("done", 2, 2)
        assert [(r["word"], r["length"]) for r in done.results] == [("piano", 5), ("welfare", 7)]
    assert seen == [["piano"], ["welfare"]]
    with pytest.raises(LookupError, match="word_lengths"):
        jobs.create(make_app(), "word_lengths", {"words": ["rete"]})
