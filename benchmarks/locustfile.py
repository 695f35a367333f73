"""Fifty people using the app at once: they browse the catalog and plans, compose plans, download PDFs.

Run by ``benchmarks/load.py`` (``make bench``) against gunicorn on loopback. Each simulated user signs in
as the demo HR manager in a session of its own, and goes through the pages the way a browser does,
CSRF tokens included.
"""

from __future__ import annotations

import random
import re

from locust import HttpUser, between, task

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# the hidden fields a step's form carries: the revision it was built at, the category each credit row is for
HIDDEN = re.compile(r'name="(revision|credits-\d+-category_id)"[^>]*value="([^"]*)"')
SEARCHES = ["/catalog/", "/catalog/?need_area=health", "/catalog/?place=Pinerolo", "/catalog/?q=nido",
            "/catalog/?need_area=elderly_care&group=family_members", "/catalog/?page=2"]  # fmt: skip


class HRManager(HttpUser):
    wait_time = between(0.5, 2.0)

    def token(self, path: str) -> str:
        return self.form_fields(path).get("csrf_token", "")

    def form_fields(self, path: str) -> dict[str, str]:
        """The CSRF token and the hidden fields of the form on ``path``, as a browser would post them."""
        page = self.client.get(
            path, name=path.split("?")[0] if "/steps/" not in path else "/plans/[id]/steps/[step]"
        )
        match = CSRF.search(page.text)
        if match is None:
            page.failure(f"no CSRF token on {path}")
            return {}
        return {"csrf_token": match.group(1), **dict(HIDDEN.findall(page.text))}

    def on_start(self) -> None:
        token = self.token("/auth/login")
        self.client.post("/auth/login", data={"csrf_token": token, "email": "hr@example.org",
                                              "password": "demo-hr-2026"})  # fmt: skip
        self.plan_id, self.joint_id, self.firm_id = 1, 2, 1

    @task(5)
    def browse_catalog(self) -> None:
        self.client.get(random.choice(SEARCHES), name="/catalog/ (filtered)")  # noqa: S311 - not crypto

    @task(4)
    def browse_plans(self) -> None:
        self.client.get("/plans/")
        self.client.get(f"/plans/{self.plan_id}", name="/plans/[id]")
        self.client.get(f"/plans/{self.plan_id}/charts/need-areas.svg", name="/plans/[id]/charts/[name].svg")

    @task(2)
    def browse_network(self) -> None:
        self.client.get(f"/plans/{self.joint_id}", name="/plans/[joint id]")
        self.client.get(f"/plans/{self.joint_id}/demand", name="/plans/[joint id]/demand")
        self.client.get(f"/plans/{self.joint_id}/parts/{self.firm_id}", name="/plans/[joint id]/parts/[firm]")

    @task(2)
    def compose(self) -> None:
        token = self.token(f"/plans/new?firm={self.firm_id}")
        created = self.client.post(f"/plans/new?firm={self.firm_id}", name="/plans/new",
                                   data={"csrf_token": token, "title": "Piano di prova", "fiscal_year": "2027"},
                                   allow_redirects=False)  # fmt: skip
        location = created.headers.get("Location", "")
        match = re.search(r"/plans/(\d+)/", location)
        if match is None:
            created.failure(f"no new plan: {created.status_code}")
            return
        plan = match.group(1)
        step = f"/plans/{plan}/steps/basics"
        self.client.post(step, name="/plans/[id]/steps/[step]", data={
            "csrf_token": self.token(step), "title": "Piano di prova", "fiscal_year": "2027",
            "period_start": "2027-01-01", "period_end": "2027-12-31", "legal_basis": "company_agreement",
            "objectives": "Salute e cura dei figli.", "needs": ["health", "childcare_education"],
            "territory": "Pinerolo",
        })  # fmt: skip
        step = f"/plans/{plan}/steps/budget"
        self.client.post(step, name="/plans/[id]/steps/[step]", data={
            **self.form_fields(step), "credits-0-credit_per_worker": "500", "credits-1-credit_per_worker": "500",
            "funding-0-kind": "employer", "funding-0-amount": "10.000,00", "funding-0-note": "",
        })  # fmt: skip
        self.client.get(f"/plans/{plan}/review", name="/plans/[id]/review")

    @task(1)
    def download(self) -> None:
        self.client.get(
            f"/plans/{self.plan_id}/document.pdf?lang=it&download=1", name="/plans/[id]/document.pdf"
        )
        self.client.get(f"/plans/{self.joint_id}/parts/{self.firm_id}/annex.pdf?lang=it",
                        name="/plans/[joint id]/parts/[firm]/annex.pdf")  # fmt: skip
