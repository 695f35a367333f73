"""Annex rendering throughput with one and with two Celery worker processes, on a real Redis broker.

A network of 60 member firms (the demo pact and 51 generated firms) has its annexes rendered in two
languages: 120 documents, one Celery task each. Each worker process first renders some documents to
warm up (fonts, stylesheet); then the 120 are timed (the better of two runs), with one process and with
two, on a PostgreSQL server of the benchmark's own (SQLite when PostgreSQL's server programs are
missing). The workers do not recycle their processes during the measurement (a recycled process loads
WeasyPrint again, which would land in one run and not the other): this is steady-state throughput.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, select, text
from stdnum import luhn

from welfare_plans import create_app, jobs, networks, schema
from welfare_plans.db import db_session, normalise_url
from welfare_plans.demo import DEMO_COORDINATOR, load_demo
from welfare_plans.models import Firm, Job, PartCategory, Plan, User, WorkerCategory

from .throwaway_pg import postgres_or_sqlite

REDIS_URL = os.environ.get("WELFARE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
EXTRA_FIRMS = 51
LANGUAGES = ["it", "en"]


def grow_network(app) -> tuple[int, int, int]:
    with app.app_context():
        session = db_session()
        load_demo(app)
        coordinator = session.scalar(select(User).where(User.email == DEMO_COORDINATOR["email"]))
        plan = session.scalar(select(Plan).where(Plan.network_id.is_not(None)))
        for index in range(EXTRA_FIRMS):
            base = f"{8000000 + index:07d}001"
            firm = Firm(legal_name=f"Impresa del Pinerolese {index + 1} S.r.l.", vat_number=base + luhn.calc_check_digit(base),
                        municipality_code="001191", created_at=plan.created_at,
                        categories=[WorkerCategory(name="Operai", headcount=10 + index, position=0)])  # fmt: skip
            session.add(firm)
            session.flush()
            networks.invite(session, plan.network, firm, coordinator)
            networks.respond(session, plan.network, firm.id, coordinator, accept=True)
            part = networks.start_part(session, plan, firm, coordinator)
            part.categories = [
                PartCategory(
                    name="Operai", headcount=10 + index, included=True, credit_per_worker=Decimal(300)
                )
            ]
            networks.set_choices(
                plan, part, {item.service_code: (True, 5, Decimal(5)) for item in plan.items}
            )
        session.commit()
        return plan.id, plan.network_id, len(plan.parts)


def start_workers(env: dict, processes: int) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "celery", "-A", "welfare_plans.worker", "worker", "--concurrency", str(processes),
         "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def run_job(app, params: dict, network_id: int) -> tuple[float, int]:
    """Seconds from the job's creation to its last document, as the job itself recorded them, and how
    many documents it rendered. The benchmark looks every half second: polling faster would take CPU
    time from the workers it measures (on two cores, from the second worker process)."""
    started = time.perf_counter()
    job = jobs.submit(app, "render_annexes", params, network_id=network_id)
    while True:
        with app.app_context():
            current = db_session().get(Job, job.id)
            status, total = current.status, current.total
            elapsed = (
                (current.finished_at - current.created_at).total_seconds() if current.finished_at else None
            )
        if status in ("done", "failed"):
            break
        if time.perf_counter() - started > 600:
            sys.exit("the job did not finish within 10 minutes")
        time.sleep(0.5)
    if status != "done":
        sys.exit(f"the job failed: {current.error}")
    return elapsed, total


def measure(
    app, env: dict, documents: Path, plan_id: int, network_id: int, processes: int
) -> tuple[float, int]:
    shutil.rmtree(documents, ignore_errors=True)
    workers = start_workers(env, processes)
    try:
        # warm up every process: fonts and stylesheet are loaded once per process
        run_job(
            app,
            {"plan_id": plan_id, "languages": ["it"], "include_plan": False, "warm_up": processes},
            network_id,
        )
        best = None
        for attempt in range(2):  # the better of two runs: a background vacuum can stall one
            shutil.rmtree(documents, ignore_errors=True)
            timing = run_job(app, {"plan_id": plan_id, "languages": LANGUAGES, "include_plan": False,
                                   "run": [processes, attempt]}, network_id)  # fmt: skip
            best = timing if best is None or timing[0] < best[0] else best
        return best
    finally:
        os.killpg(workers.pid, signal.SIGTERM)
        workers.wait(timeout=60)


def main() -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    except Exception as error:  # noqa: BLE001 - any failure means: no broker to measure with
        print(f"annex throughput: skipped (no Redis at {REDIS_URL}: {error})")
        return
    with tempfile.TemporaryDirectory() as folder, postgres_or_sqlite(folder) as (database, backend):
        documents = Path(folder) / "documents"
        config = {"DATABASE_URL": database, "SECRET_KEY": "bench", "CATALOG_SYNC_ON_STARTUP": True,
                  "PLUGINS_DIR": "", "CELERY_BROKER_URL": REDIS_URL, "DOCUMENTS_DIR": str(documents)}  # fmt: skip
        app = create_app(config)
        schema.upgrade(app)
        plan_id, network_id, members = grow_network(app)
        if backend == "PostgreSQL":  # settle the tables now rather than let autovacuum do it mid-run
            with create_engine(normalise_url(database), isolation_level="AUTOCOMMIT").connect() as admin:
                admin.execute(text("VACUUM ANALYZE"))
        env = {**os.environ, "WELFARE_DATABASE_URL": database, "WELFARE_CELERY_BROKER_URL": REDIS_URL,
               "WELFARE_DOCUMENTS_DIR": str(documents), "WELFARE_SECRET_KEY": "bench",
               "WELFARE_CATALOG_SYNC_ON_STARTUP": "false", "WELFARE_PLUGINS_DIR": "",
               "WELFARE_JOB_MAX_TASKS_PER_CHILD": "100000"}  # fmt: skip
        one, count = measure(app, env, documents, plan_id, network_id, 1)
        two, _ = measure(app, env, documents, plan_id, network_id, 2)
        app.extensions["welfare_plans.db"].engine.dispose()
    print(f"annexes of a network of {members} firms, {count} documents, Celery on Redis, "
          f"{backend}, {os.cpu_count()} CPU cores")  # fmt: skip
    print(f"  1 worker process   {count / one:6.2f} annexes/s ({one:.1f} s)")
    print(f"  2 worker processes {count / two:6.2f} annexes/s ({two:.1f} s)")
    print(f"  scaling            {one / two:6.2f}x   target >= 1.8x")


if __name__ == "__main__":
    main()
