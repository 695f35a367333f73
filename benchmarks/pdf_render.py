"""The plan document: a ~20-page plan rendered by the app against plain WeasyPrint on the same HTML.

Run alone (``python -m benchmarks.pdf_render``) so the peak memory it reports is the renderer's.
"""

from __future__ import annotations

import io
import resource
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pypdf
import weasyprint
from flask_babel import force_locale
from sqlalchemy import select

from welfare_plans import create_app, documents, schema
from welfare_plans import plans as plan_service
from welfare_plans.builtin.pdf_renderer import document_html
from welfare_plans.catalog import collect, get_contributions, set_contributions, sync_catalog
from welfare_plans.db import get_db
from welfare_plans.demo import DEMO_HR, load_demo
from welfare_plans.models import CatalogService, Plan
from welfare_plans.pdf import STATIC, STYLESHEET
from welfare_plans.plugins import PluginRecord

from .catalog_plugin import GeneratedCatalog

EXTRA_ITEMS = 110  # basket lines added to the demo plan: about 20 pages in all
RUNS = 5


def timed(function, runs=RUNS) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
                "SECRET_KEY": "bench",
                "CATALOG_SYNC_ON_STARTUP": False,
                "PLUGINS_DIR": "",
                "DOCUMENTS_DIR": str(Path(folder) / "documents"),
                "WTF_CSRF_ENABLED": False,  # the benchmark signs in without a browser
            }
        )
        schema.upgrade(app)
        plugins = app.extensions["welfare_plans.plugins"]
        plugins.register(PluginRecord("generated", "local"), GeneratedCatalog(EXTRA_ITEMS))
        set_contributions(app, collect(plugins))
        with app.app_context():
            session = get_db(app).session()
            load_demo(app)
            sync_catalog(session, get_contributions(app))
            plan = session.scalar(select(Plan))
            for service in session.scalars(select(CatalogService).where(CatalogService.code.like("bench.%"))):
                plan_service.add_service(plan, service, "workers", Decimal("3"))
            session.commit()
            domain = plan_service.to_domain(plan)
            plan_id = plan.id

        content = documents.render(app, domain, "it").content  # warm: fonts, stylesheet, templates
        pages = len(pypdf.PdfReader(io.BytesIO(content)).pages)
        ours = timed(lambda: documents.render(app, domain, "it"))

        with app.test_request_context(), force_locale("it"):
            html = document_html(domain, "it", documents.collect_sections(app, domain, "it"))

        def plain():
            weasyprint.HTML(string=html, base_url=STATIC.as_uri() + "/").write_pdf(
                stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))], pdf_variant="pdf/a-3u"
            )

        plain()
        baseline = timed(plain)

        client = app.test_client()
        client.post("/auth/login", data={"email": DEMO_HR["email"], "password": DEMO_HR["password"]})
        url = f"/plans/{plan_id}/document.pdf"
        with client.get(url) as response:  # renders and caches
            assert response.status_code == 200, response.status_code
        downloads = []
        for _ in range(20):
            started = time.perf_counter()
            with client.get(url) as response:
                response.get_data()
            downloads.append((time.perf_counter() - started) * 1000)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"plan document of {pages} pages ({len(domain.basket)} services), PDF/A-3u, Italian")
    print(f"  render time            {ours:6.2f} s   plain WeasyPrint on the same HTML {baseline:6.2f} s")
    print(f"  ratio to plain         {ours / baseline:6.2f}     target <= 1.15")
    print(f"  absolute time          {ours:6.2f} s   target < 5 s on 2 cores")
    print(f"  peak memory (RSS)      {peak_mb:6.0f} MB  target < 300 MB")
    print(f"  cached download        {statistics.median(downloads):6.1f} ms  target < 20 ms (median of 20)")


if __name__ == "__main__":
    main()
