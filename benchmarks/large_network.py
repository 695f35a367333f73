"""Large networks: a joint plan's pages and its document as the network grows from 10 to 500 member firms.

Each network is built through the services, as the app itself stores it: the demo catalog's 15 services in
the shared basket, member firms with three worker categories, two funding sources and a choice on every
service. Signed in as the coordinator with Flask's test client, the joint overview (``/plans/<id>``) and
the pooled demand (``/plans/<id>/demand``) are requested 50 times each after a few warm-up requests, on
SQLite and on a PostgreSQL server of the benchmark's own; their 95th percentile is compared with the
target, and so is its growth from 10 to 500 firms. The app is built, then frozen out of the garbage
collector's reach, as gunicorn's master does before it forks its workers (``gunicorn.conf.py``).

Then two Celery worker processes on Redis, with the workers' default settings (a process is replaced after
100 documents), render the 500-firm plan's documents: first the 500 annexes alone (one PDF each), then the
job the "PDF with every annex" link starts (that document and each annex). Each worker process's peak
resident memory (``VmHWM``) is read from ``/proc`` while they work.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, select, text
from stdnum import luhn

from welfare_plans import create_app, jobs, networks, schema
from welfare_plans import plans as plan_service
from welfare_plans.db import db_session, normalise_url
from welfare_plans.demo import DEMO_COORDINATOR, load_demo
from welfare_plans.domain.plan import CategoryBudget, FundingKind, FundingSource
from welfare_plans.models import CatalogService, Firm, Job, JobUnit, Plan, User, WorkerCategory

from .throwaway_pg import ThrowawayPostgres, Unavailable

SIZES = (10, 500)
SAMPLES, WARM_UP = 50, 5
P95_TARGET_MS, GROWTH_TARGET = 150.0, 3.0
JOB_TARGET_S, RSS_TARGET_MB = 120.0, 400.0
JOB_TIMEOUT_S = 1800
REDIS_URL = os.environ.get("WELFARE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
PAGES = {"joint overview": "/plans/{id}", "pooled demand": "/plans/{id}/demand"}
CATEGORIES = (("Operai", 30), ("Impiegati", 8), ("Quadri", 2))


def vat_number(serial: int) -> str:
    base = f"{7000000 + serial:07d}001"
    return base + luhn.calc_check_digit(base)


def build_network(app, size: int) -> int:
    """A network of ``size`` active member firms and its joint plan, every part filled in; the plan's id."""
    with app.app_context():
        session = db_session()
        coordinator = session.scalar(select(User).where(User.email == DEMO_COORDINATOR["email"]))
        network = networks.create_network(session, coordinator, name=f"Rete di {size} imprese",
                                          kind="network_contract", coordinating_body="Consorzio del Pinerolese",
                                          municipalities=["001191"])  # fmt: skip
        plan = plan_service.create_joint_plan(session, network, coordinator, f"Piano di {size} imprese", 2026)
        services = session.scalars(
            select(CatalogService).where(CatalogService.withdrawn_at.is_(None)).order_by(CatalogService.code)
        )
        for service in services:
            plan_service.add_service(plan, service, service.beneficiary_groups[0])
        session.flush()
        items = list(plan.items)
        for index in range(size):
            firm = Firm(legal_name=f"Impresa {index + 1:03d} della rete di {size} S.r.l.",
                        vat_number=vat_number(size * 1000 + index), municipality_code="001191",
                        created_at=plan.created_at,
                        categories=[WorkerCategory(name=name, headcount=headcount + index % 7, position=i)
                                    for i, (name, headcount) in enumerate(CATEGORIES)])  # fmt: skip
            session.add(firm)
            session.flush()
            networks.invite(session, network, firm, coordinator)
            networks.respond(session, network, firm.id, coordinator, accept=True)
            categories = [CategoryBudget(c.name, c.headcount, True, Decimal(300 + 50 * (index % 5)))
                          for c in firm.categories]  # fmt: skip
            budget = sum(c.budget for c in categories)
            funding = [FundingSource(FundingKind.EMPLOYER, budget - 1000, "Stanziamento aziendale"),
                       FundingSource(FundingKind.PRODUCTIVITY_BONUS, Decimal(1000), "Premio di risultato")]  # fmt: skip
            choices = {
                item.service_code: networks.PartChoiceInput(
                    (index + position) % 3 != 0,
                    2 + (index + position) % 9,
                    Decimal(1 + (index * position) % 4),
                )
                for position, item in enumerate(items)
            }
            networks.save_part(session, plan, firm, coordinator, categories=categories, funding=funding,
                               choices=choices)  # fmt: skip
            plan_service.record_change(session, plan, coordinator, f"part:{firm.id}", {})
            if index % 50 == 49:
                session.commit()
        session.commit()
        return plan.id


def app_on(database: str, folder: str, **config):
    return create_app({"DATABASE_URL": database, "SECRET_KEY": "bench", "CATALOG_SYNC_ON_STARTUP": False,
                       "PLUGINS_DIR": "", "WTF_CSRF_ENABLED": False, "DOCUMENTS_DIR": f"{folder}/documents",
                       **config})  # fmt: skip


def prepare(database: str, folder: str) -> dict[int, int]:
    """The schema, the demo data and one network of each size; the plans' ids by size."""
    app = app_on(database, folder)
    schema.upgrade(app)
    with app.app_context():
        load_demo(app)
    plans = {size: build_network(app, size) for size in SIZES}
    if database.startswith("postgresql"):  # settle the tables now rather than let autovacuum do it mid-run
        with create_engine(normalise_url(database), isolation_level="AUTOCOMMIT").connect() as admin:
            admin.execute(text("VACUUM ANALYZE"))
    app.extensions["welfare_plans.db"].engine.dispose()
    return plans


# -- pages -------------------------------------------------------------------------------------------------
def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def page_p95(client, path: str) -> tuple[float, float]:
    """The 95th percentile of ``SAMPLES`` requests of the page, in milliseconds: the time a user waits, and
    the processor time the request took (which other programs on the machine do not stretch)."""
    waits, processor = [], []
    for attempt in range(WARM_UP + SAMPLES):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}")
        if attempt >= WARM_UP:
            waits.append(elapsed * 1000)
            processor.append(cpu * 1000)
    return percentile(waits, 0.95), percentile(processor, 0.95)


def measure_pages(database: str, folder: str, plans: dict[int, int]) -> dict[tuple[str, int], tuple]:
    app = app_on(database, folder)
    gc.collect()
    gc.freeze()  # as gunicorn's master does before forking a worker
    client = app.test_client()
    response = client.post("/auth/login", data={"email": DEMO_COORDINATOR["email"],
                                                "password": DEMO_COORDINATOR["password"]})  # fmt: skip
    if response.status_code != 302:
        sys.exit("the coordinator could not sign in")
    try:
        return {(page, size): page_p95(client, path.format(id=plans[size]))
                for page, path in PAGES.items() for size in SIZES}  # fmt: skip
    finally:
        app.extensions["welfare_plans.db"].engine.dispose()
        gc.unfreeze()


# -- the document job --------------------------------------------------------------------------------------
def process_tree(root: int) -> set[int]:
    """The ids of ``root``'s descendant processes, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


class PeakMemory(threading.Thread):
    """Reads the peak resident memory (``VmHWM``) of each of the worker's pool processes until stopped
    (processes that replace a recycled one are new entries)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peaks, self.stopped = root, {}, threading.Event()

    def run(self) -> None:
        command = Path(f"/proc/{self.root}/cmdline").read_bytes()
        while not self.stopped.wait(0.2):
            for pid in process_tree(self.root):
                try:  # pool processes are forks of the worker; programs they run for a moment are not
                    if Path(f"/proc/{pid}/cmdline").read_bytes() != command:
                        continue
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue  # it ended meanwhile
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peaks[pid] = max(self.peaks.get(pid, 0.0), int(line.split()[1]) / 1024)


def start_workers(env: dict) -> subprocess.Popen:
    workers = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "celery", "-A", "welfare_plans.worker", "worker", "--concurrency", "2",
         "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    client = jobs.celery_client(REDIS_URL)
    for _ in range(120):
        if client.control.ping(timeout=0.5):
            return workers
    os.killpg(workers.pid, signal.SIGTERM)
    sys.exit("the Celery workers did not start within a minute")


def run_job(app, params: dict, network_id: int) -> dict:
    """The job's outcome: its status, seconds from creation to its last document as the job recorded them,
    how many documents, and how long the joint document's own unit took."""
    job = jobs.submit(app, "render_annexes", params, network_id=network_id)
    started = time.perf_counter()
    while True:
        time.sleep(0.5)  # not faster: polling takes CPU time from the workers being measured
        with app.app_context():
            current = db_session().get(Job, job.id)
            if current.status in ("done", "failed") or time.perf_counter() - started > JOB_TIMEOUT_S:
                units = db_session().scalars(select(JobUnit).where(JobUnit.job_id == job.id)).all()
                document = [u for u in units if u.unit[1] == "plan" and u.started_at and u.finished_at]
                return {
                    "status": current.status, "error": current.error, "documents": current.total,
                    "seconds": ((current.finished_at or jobs.now()) - current.created_at).total_seconds(),
                    "document": (document[0].finished_at - document[0].started_at).total_seconds()
                    if document else None,
                }  # fmt: skip


def measure_job(app, env: dict, documents: Path, params: dict, network_id: int) -> dict:
    shutil.rmtree(documents, ignore_errors=True)
    load = os.getloadavg()[0]  # what else the machine runs (the measurement adds its own two processes)
    workers = start_workers(env)
    memory = PeakMemory(workers.pid)
    memory.start()
    try:
        outcome = run_job(app, params, network_id)
    finally:
        memory.stopped.set()
        memory.join()
        os.killpg(workers.pid, signal.SIGTERM)
        workers.wait(timeout=120)
    return {**outcome, "load": load, "peaks": sorted(memory.peaks.values(), reverse=True)}


def measure_jobs(database: str, folder: str, plan_id: int) -> dict[str, dict] | str:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    except Exception as error:  # noqa: BLE001 - any failure means: no broker to measure with
        return f"skipped (no Redis at {REDIS_URL}: {error})"
    documents = Path(folder) / "job-documents"
    app = app_on(database, folder, CELERY_BROKER_URL=REDIS_URL, DOCUMENTS_DIR=str(documents))
    with app.app_context():
        network_id = db_session().get(Plan, plan_id).network_id
    env = {**os.environ, "WELFARE_DATABASE_URL": database, "WELFARE_CELERY_BROKER_URL": REDIS_URL,
           "WELFARE_DOCUMENTS_DIR": str(documents), "WELFARE_SECRET_KEY": "bench",
           "WELFARE_CATALOG_SYNC_ON_STARTUP": "false", "WELFARE_PLUGINS_DIR": ""}  # fmt: skip
    try:
        return {
            "the annexes alone": measure_job(app, env, documents, {"plan_id": plan_id, "languages": ["it"],
                                                                  "include_plan": False}, network_id),
            "the PDF with every annex": measure_job(app, env, documents, {"plan_id": plan_id, "languages": ["it"],
                                                                         "variant": "pdf/a-3u"}, network_id),
        }  # fmt: skip
    finally:
        app.extensions["welfare_plans.db"].engine.dispose()


# -- the run -----------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages-only", action="store_true", help="skip the document jobs (several minutes)")
    arguments = parser.parse_args()
    pages: dict[str, tuple] = {}  # by database: the load average when measured, the figures
    job_results: dict | str = "skipped (--pages-only)"
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{folder}/bench.db"
        plans = prepare(sqlite, folder)
        pages["SQLite"] = (os.getloadavg()[0], measure_pages(sqlite, folder, plans))
        backend = "SQLite"
        try:
            server = ThrowawayPostgres()
        except Unavailable as missing:
            print(f"PostgreSQL: skipped ({missing})")
            if not arguments.pages_only:
                job_results = measure_jobs(sqlite, folder, plans[SIZES[-1]])
        else:
            with server:
                plans = prepare(server.url, folder)
                pages["PostgreSQL"] = (os.getloadavg()[0], measure_pages(server.url, folder, plans))
                backend = "PostgreSQL"
                if not arguments.pages_only:
                    job_results = measure_jobs(server.url, folder, plans[SIZES[-1]])
    report(pages, job_results, backend)


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def report(pages: dict[str, tuple], job_results: dict | str, backend: str) -> None:
    small, large = SIZES
    print(f"joint plan pages, {SAMPLES} requests each after {WARM_UP} to warm up, Flask test client signed in "
          f"as the coordinator; {os.cpu_count()} CPU cores")  # fmt: skip
    for database, (load, figures) in pages.items():
        print(f"  {database}, load average {load:.1f} when it began")
        for page in PAGES:
            (low, low_cpu), (high, high_cpu) = figures[(page, small)], figures[(page, large)]
            print(f"  {database:10} {page:15} p95 {low:6.1f} ms at {small} firms, {high:6.1f} ms at {large}: "
                  f"target < {P95_TARGET_MS:.0f} ms {verdict(high < P95_TARGET_MS)}; growth {high / low:5.2f}x, "
                  f"target < {GROWTH_TARGET:.0f}x {verdict(high / low < GROWTH_TARGET)}")  # fmt: skip
            print(f"  {'':26} processor time p95 {low_cpu:6.1f} ms at {small} firms, {high_cpu:6.1f} ms at "
                  f"{large} ({high_cpu / low_cpu:.2f}x)")  # fmt: skip
    if isinstance(job_results, str):
        print(f"documents of the {large}-firm plan: {job_results}")
        return
    print(f"documents of the {large}-firm plan in Italian, 2 Celery worker processes on Redis, {backend}")
    for name, job in job_results.items():
        seconds, peak = job["seconds"], job["peaks"][0] if job["peaks"] else 0.0
        state = "" if job["status"] == "done" else f" ({job['status']}: {job['error']})"
        print(f"  {name} (load average {job['load']:.1f} when it began): {job['documents']} documents in "
              f"{seconds:.1f} s{state}, target < {JOB_TARGET_S:.0f} s "
              f"{verdict(job['status'] == 'done' and seconds < JOB_TARGET_S)}")  # fmt: skip
        if job["document"] is not None:
            print(f"    of which the joint document itself (one unit, one process): {job['document']:.1f} s")
        print(f"    peak memory of each worker process: {', '.join(f'{mb:.0f}' for mb in job['peaks'])} MB, "
              f"target < {RSS_TARGET_MB:.0f} MB {verdict(peak < RSS_TARGET_MB)}")  # fmt: skip


if __name__ == "__main__":
    main()
