"""A 60-second locust run of 50 simulated users on loopback: browsing, composing and downloading.

The app runs under gunicorn (the project's configuration) on a PostgreSQL server of the benchmark's own
(SQLite when PostgreSQL's server programs are missing), with the demo data; the documents the users
download are rendered once before the run, as a site in use has them. Reports every request's count,
failures and 95th percentile, and the target: no errors at all.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .overview_rps import WORKERS, free_port, serve
from .throwaway_pg import postgres_or_sqlite

USERS, SPAWN_RATE, DURATION = 50, 10, "60s"


def main() -> None:
    if shutil.which("locust", path=str(Path(sys.executable).parent)) is None:
        print("load: skipped (locust is not installed: pip install -e '.[bench]')")
        return
    with tempfile.TemporaryDirectory() as folder, postgres_or_sqlite(folder) as (database, backend):
        env = {**os.environ, "WELFARE_DATABASE_URL": database, "WELFARE_SECRET_KEY": "load",
               "WELFARE_DOCUMENTS_DIR": f"{folder}/documents", "FLASK_APP": "welfare_plans",
               "WELFARE_LOGIN_MAX_FAILURES": "1000"}  # fmt: skip
        for command in (["db", "upgrade"], ["demo", "load"], ["plans", "render-all", "--lang", "it"]):
            subprocess.run([sys.executable, "-m", "flask", *command], env=env, check=True,  # noqa: S603
                           stdout=subprocess.DEVNULL)  # fmt: skip
        port = free_port()
        app = serve("welfare_plans:create_app()", port, env, folder)
        try:
            subprocess.run(  # noqa: S603 - our own command line
                [str(Path(sys.executable).parent / "locust"), "-f", str(Path(__file__).parent / "locustfile.py"),
                 "--headless", "-u", str(USERS), "-r", str(SPAWN_RATE), "-t", DURATION,
                 "--host", f"http://127.0.0.1:{port}", "--csv", f"{folder}/load", "--only-summary"],
                check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder,
            )  # fmt: skip
        finally:
            app.terminate()
            app.wait(timeout=30)
        with open(f"{folder}/load_stats.csv", newline="") as stats:
            rows = list(csv.DictReader(stats))
    print(f"locust, {USERS} users for {DURATION} on loopback, gunicorn with {WORKERS} sync workers, "
          f"{backend}")  # fmt: skip
    print(f"  {'request':52} {'count':>7} {'errors':>7} {'p95 ms':>8}")
    for row in rows:
        name = "all requests" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(f"  {name:52} {row['Request Count']:>7} {row['Failure Count']:>7} {row['95%']:>8}")
    total = next(row for row in rows if row["Name"] == "Aggregated")
    errors = int(total["Failure Count"])
    print(f"  errors: {errors}   target 0: {'met' if errors == 0 else 'NOT met'}")


if __name__ == "__main__":
    main()
