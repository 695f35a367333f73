"""How fast readiness answers 503 when PostgreSQL stops, and how soon the app serves again when it returns.

Runs against a throwaway PostgreSQL server of its own (initdb and pg_ctl on a free port).
"""

from __future__ import annotations

import logging
import statistics
import sys
import time

from welfare_plans import create_app, schema

from .throwaway_pg import ThrowawayPostgres, Unavailable

SAMPLES = 20


def timed(client, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(path)
    return (time.perf_counter() - started) * 1000, response.status_code


def main() -> None:
    try:
        server = ThrowawayPostgres()
    except Unavailable as missing:
        print(f"readiness: skipped ({missing})")
        return
    with server:
        app = create_app({"DATABASE_URL": server.url, "SECRET_KEY": "bench", "CATALOG_SYNC_ON_STARTUP": False,
                          "PLUGINS_DIR": ""})  # fmt: skip
        schema.upgrade(app)
        app.logger.setLevel(logging.CRITICAL)  # the outage is on purpose: no error log for each request
        client = app.test_client()
        up = [timed(client, "/health/ready") for _ in range(SAMPLES)]
        assert {status for _, status in up} == {200}
        server.stop()
        down = [timed(client, "/health/ready") for _ in range(SAMPLES)]
        page = [timed(client, "/catalog/") for _ in range(5)]
        statuses = {status for _, status in down + page}
        server.start()
        started = time.perf_counter()
        while timed(client, "/health/ready")[1] != 200:
            if time.perf_counter() - started > 30:
                sys.exit("readiness did not come back within 30 s of the database")
        back = (time.perf_counter() - started) * 1000
        app.extensions["welfare_plans.db"].engine.dispose()
    worst = max(ms for ms, _ in down)
    print(
        f"target: with the database stopped, /health/ready answers 503 within 1 s (1000 ms); answers {sorted(statuses)}"
    )
    print(f"readiness, database up: median {statistics.median(ms for ms, _ in up):.1f} ms")
    print(f"readiness, database stopped: median {statistics.median(ms for ms, _ in down):.1f} ms, "
          f"slowest of {SAMPLES} {worst:.1f} ms  [target < 1000 ms: {'met' if worst < 1000 else 'NOT met'}]")  # fmt: skip
    print(f"a page during the outage (friendly 503): slowest {max(ms for ms, _ in page):.1f} ms")
    print(f"ready again {back:.0f} ms after the database restarted, without restarting the app")


if __name__ == "__main__":
    main()
