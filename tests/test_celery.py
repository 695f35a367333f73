"""A real Redis broker and a real Celery worker render a network's annexes: kill the worker mid-batch,
start it again, and end with exactly one complete file per annex. Runs when WELFARE_TEST_REDIS_URL is set (.ci/run sets it).
"""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select

from welfare_plans import jobs
from welfare_plans.db import db_session
from welfare_plans.demo import load_demo
from welfare_plans.models import Job, JobUnit, Plan

REDIS_URL = os.environ.get("WELFARE_TEST_REDIS_URL")
pytestmark = [
    pytest.mark.skipif(not REDIS_URL, reason="needs WELFARE_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15"),
    pytest.mark.slow,
]


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "welfare_plans.worker", "worker", "--concurrency", "1",
         "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def wait_for(app, job_id: str, condition, limit: float) -> Job:
    """Poll the job until ``condition`` holds; a bound on waiting, not a speed assertion."""
    deadline = time.monotonic() + limit
    while True:
        with app.app_context():
            job = db_session().get(Job, job_id)
            db_session().expunge(job)
        if condition(job) or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def rendering(app, job_id: str) -> bool:
    """Whether a unit of the job is being rendered right now."""
    with app.app_context():
        return (
            db_session().scalar(
                select(JobUnit.id).where(JobUnit.job_id == job_id, JobUnit.status == "running").limit(1)
            )
            is not None
        )


def test_a_worker_killed_mid_batch_leaves_one_complete_file_per_annex(make_app, database_url, tmp_path):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # the test's own database index: nothing else lives there
    documents_dir = tmp_path / "documents"
    app = make_app(CELERY_BROKER_URL=REDIS_URL, DOCUMENTS_DIR=str(documents_dir))
    with app.app_context():
        load_demo(app)  # the Pinerolese pact: nine member firms, one joint plan
        joint = db_session().scalar(select(Plan).where(Plan.network_id.is_not(None)))
        plan_id, network_id, members = joint.id, joint.network_id, len(joint.parts)
    env = {
        **os.environ,
        "WELFARE_DATABASE_URL": database_url,
        "WELFARE_CELERY_BROKER_URL": REDIS_URL,
        "WELFARE_DOCUMENTS_DIR": str(documents_dir),
        "WELFARE_SECRET_KEY": "tests-only-secret",
        "WELFARE_CATALOG_SYNC_ON_STARTUP": "false",
        "WELFARE_PLUGINS_DIR": "",
        "WELFARE_CELERY_VISIBILITY_TIMEOUT": "3",  # a dead worker's task comes back within seconds
    }
    worker = start_worker(env)
    try:
        job = jobs.submit(
            app, "render_annexes", {"plan_id": plan_id, "languages": ["it", "en"]}, network_id=network_id
        )
        total = (1 + members) * 2  # the joint document and each member's annex, in two languages
        # kill while a document is being written, not between two: that unit must then run again
        midway = wait_for(app, job.id, lambda j: j.progress >= 3 and rendering(app, j.id), limit=120)
        assert 3 <= midway.progress < total, "the worker should be in the middle of the batch"
        os.killpg(worker.pid, signal.SIGKILL)  # the whole worker, as a crash or an OOM kill would
        worker.wait()
        assert wait_for(app, job.id, lambda j: False, limit=0).status == "running"

        worker = start_worker(env)
        done = wait_for(app, job.id, lambda j: j.status == "done", limit=240)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
    assert done.status == "done", (done.status, done.progress, done.error)
    assert done.attempts >= 2 and done.progress == total
    assert len({result["unit"] for result in done.results}) == total
    files = sorted(documents_dir.iterdir())
    assert [f for f in files if f.name.startswith(".")] == []  # no half-written file left behind
    assert len(files) == total
    annexes = [r for r in done.results if r.get("firm_id")]
    assert (
        len(annexes) == members * 2 and len({(r["firm_id"], r["language"]) for r in annexes}) == members * 2
    )
    for path in files:
        content = Path(path).read_bytes()
        assert content.rstrip().endswith(b"%%EOF")  # complete, not cut short
        assert len(pypdf.PdfReader(io.BytesIO(content)).pages) >= 2
