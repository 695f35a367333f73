"""A visit to the app installed from its wheel, run by that venv's interpreter (see tests/test_wheel.py).

Signs in as the demo HR manager with the app's test client and saves what a person would look at: the
catalog page, the overview of the first plan listed and that plan's PDF, with where the app found its
files, so the test can tell the installed package from a source tree.

    python -I installed_app_visit.py OUTPUT_DIR
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import welfare_plans
from welfare_plans.demo import DEMO_HR

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PLAN_LINK = re.compile(r'href="(/plans/\d+)"')


def visit(output: Path) -> dict:
    """Save the pages and the PDF into ``output``; return their status codes and the app's paths."""
    app = welfare_plans.create_app()
    client = app.test_client()
    catalog = client.get("/catalog/")
    login_page = client.get("/auth/login").get_data(as_text=True)
    signed_in = client.post(
        "/auth/login",
        data={
            "csrf_token": CSRF.search(login_page).group(1),
            **{k: DEMO_HR[k] for k in ("email", "password")},
        },
    )
    plans = client.get("/plans/")
    plan_path = PLAN_LINK.search(plans.get_data(as_text=True)).group(1)
    overview = client.get(plan_path)
    document = client.get(f"{plan_path}/document.pdf")
    (output / "catalog.html").write_bytes(catalog.data)
    (output / "overview.html").write_bytes(overview.data)
    (output / "plan.pdf").write_bytes(document.data)
    return {
        "status": {
            "catalog": catalog.status_code,
            "sign_in": signed_in.status_code,
            "plans": plans.status_code,
            "overview": overview.status_code,
            "document": document.status_code,
        },
        "document_type": document.mimetype,
        "package": welfare_plans.__file__,
        "template_folder": app.template_folder,
        "instance_path": app.instance_path,
        "database_url": app.config["DATABASE_URL"],
        "prefix": sys.prefix,
    }


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    (folder / "report.json").write_text(json.dumps(visit(folder), indent=2))
