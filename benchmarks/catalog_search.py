"""Catalog sync and catalog page latency on generated catalogs (SQLite in a temp folder).

Figures are printed next to their targets. Timings vary with the machine; compare runs on one machine.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from welfare_plans import CONTRIBUTIONS_KEY, create_app, schema
from welfare_plans.catalog import collect, sync_catalog
from welfare_plans.db import get_db
from welfare_plans.plugins import PluginRecord

from .catalog_plugin import GeneratedCatalog

SIZES = [int(size) for size in sys.argv[1:] if size.isdigit()] or [1_000, 10_000]
PAGES = [
    "/catalog/",
    "/catalog/?need_area=health",
    "/catalog/?place=Pinerolo",
    "/catalog/?q=nido",
    "/catalog/?page=3",
]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def run(size: int, folder: Path) -> None:
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / f'bench-{size}.db'}",
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
    app.extensions[CONTRIBUTIONS_KEY] = contributions
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
    for _ in range(20):
        for path in PAGES:
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            samples.append((time.perf_counter() - started) * 1000)
    total = size + 15
    print(
        f"catalog of {total:>7,} services: validate {validated:6.2f} s | first sync {first:6.2f} s | "
        f"unchanged re-sync {again:5.2f} s | page p95 {p95(samples):6.1f} ms (median {statistics.median(samples):.1f} ms)"
    )


def main() -> None:
    print(
        "targets (issue 7, at 100,000 services): first sync < 30 s, unchanged re-sync < 3 s, search p95 < 50 ms"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            run(size, Path(folder))


if __name__ == "__main__":
    main()
