"""Catalog sync and catalog page latency on generated catalogs, on SQLite (a temporary file) and on a
PostgreSQL server of the benchmark's own (initdb and pg_ctl on a free port; skipped where missing).

Figures are printed next to their targets. Timings vary with the machine; compare runs on one machine.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from welfare_plans import create_app, schema
from welfare_plans.catalog import collect, set_contributions, sync_catalog
from welfare_plans.db import get_db, normalise_url
from welfare_plans.plugins import PluginRecord

from .catalog_plugin import GeneratedCatalog
from .throwaway_pg import ThrowawayPostgres, Unavailable

SIZES = [int(size) for size in sys.argv[1:] if size.isdigit()] or [1_000, 10_000, 100_000]
PAGES = [
    "/catalog/",
    "/catalog/?need_area=health",
    "/catalog/?place=Pinerolo",
    "/catalog/?q=nido",
    "/catalog/?page=3",
]


ROUNDS = 40  # each page this many times: 200 samples, so that the p95 is not one slow request


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def run(size: int, database_url: str) -> float:
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench",
            "CATALOG_SYNC_ON_STARTUP": False,
            "PLUGINS_DIR": "",
        }
    )
    schema.upgrade(app)
    plugins = app.extensions["welfare_plans.plugins"]
    plugins.register(PluginRecord("generated", "local"), GeneratedCatalog(size))
    started = time.perf_counter()
    contributions = collect(plugins)
    validated = time.perf_counter() - started
    set_contributions(app, contributions)
    with app.app_context():
        session = get_db(app).session()
        started = time.perf_counter()
        sync_catalog(session, contributions)
        first = time.perf_counter() - started
        started = time.perf_counter()
        report = sync_catalog(session, contributions)
        again = time.perf_counter() - started
        assert not report.changed
    client = app.test_client()
    for path in PAGES:  # warm up
        client.get(path)
    samples = []
    for _ in range(ROUNDS):
        for path in PAGES:
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            samples.append((time.perf_counter() - started) * 1000)
    total = size + 15
    print(
        f"  {total:>7,} services: validate {validated:6.2f} s | first sync {first:6.2f} s | "
        f"unchanged re-sync {again:5.2f} s | page p95 {p95(samples):6.1f} ms (median {statistics.median(samples):.1f} ms)"
    )
    app.extensions["welfare_plans.db"].engine.dispose()
    return p95(samples)


def report(backend: str, results: dict[int, float]) -> None:
    largest, smallest = max(results), min(results)
    if largest >= 100_000:
        print(f"  {backend}: p95 at {largest + 15:,} services {results[largest]:.1f} ms   target < 50 ms: "
              f"{'met' if results[largest] < 50 else 'NOT met'}")  # fmt: skip
    if largest > smallest:
        growth = results[largest] / results[smallest]
        print(f"  {backend}: p95 growth from {smallest + 15:,} to {largest + 15:,} services {growth:.2f}x   "
              f"target < 2x: {'met' if growth < 2 else 'NOT met'}")  # fmt: skip


def main() -> None:
    print(
        "targets (issue 7, at 100,000 services): first sync < 30 s, unchanged re-sync < 3 s, search p95 < 50 ms,\n"
        "and p95 growing less than 2x from 1,000 to 100,000 services; pages: " + ", ".join(PAGES)
    )
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite")
        sqlite = {size: run(size, f"sqlite:///{Path(folder) / f'bench-{size}.db'}") for size in SIZES}
    try:
        server = ThrowawayPostgres()
    except Unavailable as missing:
        print(f"PostgreSQL: skipped ({missing})")
        postgresql = {}
    else:
        print("PostgreSQL")
        with server:
            postgresql = {}
            for size in SIZES:
                with create_engine(
                    normalise_url(server.url), isolation_level="AUTOCOMMIT"
                ).connect() as admin:
                    admin.execute(text(f"CREATE DATABASE bench_{size}"))
                postgresql[size] = run(size, server.url.rsplit("/", 1)[0] + f"/bench_{size}")
    report("SQLite", sqlite)
    if postgresql:
        report("PostgreSQL", postgresql)


if __name__ == "__main__":
    main()
