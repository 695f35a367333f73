"""How much a gunicorn worker's memory grows serving 1,000 distinct plan overviews.

Each overview goes into the worker's page cache, so without a bound on the cache's bytes a worker keeps
every page it ever rendered (issue 14: 500 MB across three workers in 90 requests of large plans). One
sync worker, never recycled during the run, serves the demo HR manager the overviews of 1,000 plans of
its firm (copies of the demo plan with as many rows as a plan may have, each a page of its own); its resident memory is read from /proc before and after. Target: less than 50 MB of growth.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from .overview_rps import free_port, serve, sign_in

PLANS = 1000
ROWS = 100  # as many worker categories, funding sources and partners as a plan may have: the largest pages
TARGET_MB = 50


def resident_mb(pid: int) -> float:
    """The process's resident memory, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def worker_of(master: int) -> int:
    """The pid of the one worker the gunicorn master forked."""
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


COPIES = textwrap.dedent(f"""
    from decimal import Decimal

    from welfare_plans import create_app
    from welfare_plans import plans as plan_service
    from welfare_plans.db import db_session
    from welfare_plans.models import Plan, PlanCategory, PlanFunding, PlanPartner, User

    app = create_app()
    with app.app_context():
        session = db_session()
        plan = session.get(Plan, 1)
        hr = session.get(User, plan.finalised_by_id)
        plan.categories = [PlanCategory(position=i, name=f"Categoria {{i}}", headcount=10, included=True,
                                        credit_per_worker=Decimal("100")) for i in range({ROWS})]
        plan.funding = [PlanFunding(position=i, kind="employer", amount=Decimal("1000"), note=f"Fondo {{i}}")
                        for i in range({ROWS})]
        plan.partners = [PlanPartner(position=i, name=f"Partner {{i}}", kind="other", role="Partner del piano")
                         for i in range({ROWS})]
        for number in range({PLANS}):
            plan_service.duplicate(session, plan, hr, f"Piano di prova {{number}}")
        session.commit()
        print(" ".join(str(p.id) for p in session.query(Plan).filter(Plan.title.like("Piano di prova %"))))
""")


def main() -> None:
    if not Path("/proc/self/status").exists():
        print("overview memory: skipped (needs /proc)")
        return
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "WELFARE_DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "WELFARE_SECRET_KEY": "bench",
            "WELFARE_WTF_CSRF_ENABLED": "false",
            "WELFARE_CATALOG_SYNC_ON_STARTUP": "false",
            "WELFARE_DOCUMENTS_DIR": f"{folder}/documents",
            "FLASK_APP": "welfare_plans",
        }
        for command in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run([sys.executable, "-m", "flask", *command], env=env, check=True,  # noqa: S603
                           stdout=subprocess.DEVNULL)  # fmt: skip
        made = subprocess.run([sys.executable, "-c", COPIES], env=env, check=True,  # noqa: S603
                              capture_output=True, text=True)  # fmt: skip
        plan_ids = [int(word) for word in made.stdout.split()]
        port = free_port()
        server = serve("welfare_plans:create_app()", port,
                       {**env, "WELFARE_GUNICORN_MAX_REQUESTS": "0", "WELFARE_GUNICORN_MAX_REQUESTS_JITTER": "0"},
                       folder, workers="1")  # fmt: skip
        try:
            cookie = sign_in(port)
            connection = http.client.HTTPConnection("127.0.0.1", port)

            def overview(plan_id: int) -> None:
                connection.request("GET", f"/plans/{plan_id}", headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"/plans/{plan_id} answered {response.status}")

            worker = worker_of(server.pid)
            for plan_id in plan_ids[:20]:  # warm up: templates compiled, plugins' first calls made
                overview(plan_id)
            before = resident_mb(worker)
            for plan_id in plan_ids:
                overview(plan_id)
            after = resident_mb(worker)
        finally:
            server.terminate()
            server.wait(timeout=30)
    growth = after - before
    print(f"gunicorn, 1 sync worker, {len(plan_ids)} distinct plan overviews")
    print(
        f"  worker memory {before:6.1f} MB -> {after:6.1f} MB, grew {growth:5.1f} MB   target < {TARGET_MB} MB"
    )
    if growth >= TARGET_MB:
        sys.exit(f"the worker grew {growth:.1f} MB over {len(plan_ids)} overviews")


if __name__ == "__main__":
    main()
