"""Issue 14, finding 5, with real clients: two people at once against gunicorn on PostgreSQL.

- A finalisation fired together with a step's save, a hundred times: exactly one of the two wins, and a
  final plan never holds what the losing save typed (in the old code the saved text reached the final
  plan in 3 of 18 tries).
- Two editors of one step: one saves, the other gets a conflict page with what they typed, and after
  saving again from it nothing of either is lost.
- Two finalisations, two new versions, two archivings at once: one of each happens, the other gets a
  message; never a 500.

Runs when ``WELFARE_TEST_POSTGRESQL_URL`` is set (the PostgreSQL schema of the test), skipped otherwise.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from helpers import make_member
from integrity_world import build
from sqlalchemy import select

from welfare_plans.db import db_session
from welfare_plans.models import Firm, Plan, PlanChange

ROOT = Path(__file__).parent.parent
HIDDEN = re.compile(
    r'name="([\w-]+)" type="hidden" value="([^"]*)"|type="hidden" name="([\w-]+)" value="([^"]*)"'
)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TRIES = 100

pytestmark = pytest.mark.skipif(
    not os.environ.get("WELFARE_TEST_POSTGRESQL_URL"), reason="needs WELFARE_TEST_POSTGRESQL_URL"
)


@pytest.fixture
def served(app, database_url, tmp_path):
    """The test's PostgreSQL schema, with the world in it, served by gunicorn with four sync workers."""
    if not database_url.startswith("postgresql"):
        pytest.skip("real clients run against PostgreSQL")
    with app.app_context():
        world = build(db_session())
        firm = db_session().get(Firm, world["firms"]["alfa"])
        world["people"]["alfa2"] = make_member(db_session(), firm, "hr2@alfa.example")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "WELFARE_DATABASE_URL": database_url, "WELFARE_SECRET_KEY": "two-clients",
           "WELFARE_CATALOG_SYNC_ON_STARTUP": "false", "WELFARE_DOCUMENTS_DIR": str(tmp_path / "documents"),
           "WELFARE_PLUGINS_DIR": "", "WELFARE_GUNICORN_BIND": f"127.0.0.1:{port}", "WELFARE_GUNICORN_WORKERS": "4",
           "WELFARE_GUNICORN_ACCESSLOG": "/dev/null"}  # fmt: skip
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "welfare_plans:create_app()"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{base}/auth/login", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            server.wait(timeout=30)
            log.close()
            pytest.fail(f"gunicorn did not start: {(tmp_path / 'gunicorn.log').read_text()[-2000:]}")
        time.sleep(0.2)
    clients: list[Client] = []
    yield {"base": base, "world": world, "app": app, "clients": clients}
    for client in clients:
        client.http.close()
    server.terminate()
    server.wait(timeout=30)
    log.close()
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()  # no worker failed a request


class Client:
    """A person with a browser: signed in, reading the hidden fields of the forms it is shown."""

    def __init__(self, served: dict, person: dict) -> None:
        base = served["base"]
        served["clients"].append(self)
        self.base, self.http = base, requests.Session()
        token = self.form("/auth/login")["csrf_token"]
        signed = self.http.post(f"{base}/auth/login", allow_redirects=False,
                                data={"csrf_token": token, "email": person["email"], "password": person["password"]})  # fmt: skip
        assert signed.status_code == 302

    def form(self, path: str) -> dict[str, str]:
        html = self.http.get(self.base + path).text
        fields = {a or c: b or d for a, b, c, d in HIDDEN.findall(html)}
        fields["csrf_token"] = CSRF.search(html).group(1)
        return fields

    def post(self, path: str, data: dict) -> requests.Response:
        return self.http.post(self.base + path, data=data, allow_redirects=False)


def together(*posts: tuple[Client, str, dict]) -> list[requests.Response]:
    """Send the posts ``(client, path, data)`` at the same moment, each from a thread of its own; the
    answers in order."""
    barrier, results = threading.Barrier(len(posts)), [None] * len(posts)

    def run(index, client, path, data):
        barrier.wait()
        results[index] = client.post(path, data)

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def plan_state(app, plan_id: int) -> tuple[str, str, list[str]]:
    with app.app_context():
        session = db_session()
        plan = session.get(Plan, plan_id)
        actions = list(session.scalars(
            select(PlanChange.action).where(PlanChange.plan_id == plan_id).order_by(PlanChange.id)))  # fmt: skip
        return plan.status, plan.title, actions


BASICS = {"fiscal_year": "2026", "period_start": "2026-01-01", "period_end": "2026-12-31",
          "legal_basis": "company_agreement", "territory": "Pinerolo"}  # fmt: skip


def test_finalise_against_save_a_hundred_times_the_final_plan_never_changes(served):
    app, world = served["app"], served["world"]
    finaliser = Client(served, world["people"]["alfa"])
    saver = Client(served, world["people"]["alfa2"])
    plan_id, wins = world["plans"]["alfa"], {"save": 0, "finalise": 0}
    for attempt in range(TRIES):
        status, title_before, _ = plan_state(app, plan_id)
        assert status == "draft"
        review = finaliser.form(f"/plans/{plan_id}/review")
        basics = saver.form(f"/plans/{plan_id}/steps/basics")
        typed = f"Piano alfa, prova {attempt}"
        saved, finalised = together(
            (saver, f"/plans/{plan_id}/steps/basics", {**basics, **BASICS, "title": typed}),
            (finaliser, f"/plans/{plan_id}/finalise", review),
        )
        assert saved.status_code == 302 and finalised.status_code == 302
        status, title, actions = plan_state(app, plan_id)
        save_won = saved.headers["Location"].endswith("/steps/beneficiaries")
        assert save_won != (status == "final"), (attempt, status, title, actions[-3:])  # exactly one wins
        if status == "final":
            wins["finalise"] += 1
            assert title == title_before and actions[-1] == "finalised"  # nothing slipped in
            copy = finaliser.post(f"/plans/{plan_id}/new-version", finaliser.form(f"/plans/{plan_id}"))
            plan_id = int(copy.headers["Location"].rstrip("/").split("/")[-1])
        else:
            wins["save"] += 1
            assert title == typed and actions[-1] == "step:basics"
    assert sum(wins.values()) == TRIES


def _governance(seen: dict, partners: list[tuple[str, str]]) -> dict:
    data = {"csrf_token": seen["csrf_token"], "revision": seen["revision"], "steering_committee": "Comitato.",
            "new_hires_rule": "pro_rata", "unused_credit_rule": "expires", "claims_deadline_days": "60",
            "goto": "governance"}  # fmt: skip
    for i, (row_id, name) in enumerate(partners):
        data |= {f"partners-{i}-row_id": row_id, f"partners-{i}-name": name, f"partners-{i}-kind": "union"}
    return data


def test_two_editors_one_conflict_nothing_lost(served):
    app, world = served["app"], served["world"]
    plan_id = world["plans"]["alfa"]
    url = f"/plans/{plan_id}/steps/governance"
    editors = [
        Client(served, world["people"]["alfa"]),
        Client(served, world["people"]["alfa2"]),
    ]
    expected = ["RSU"]
    for attempt in range(10):
        seen = [editor.form(url) for editor in editors]
        kept = [(seen[0][f"partners-{i}-row_id"], name) for i, name in enumerate(expected)]
        names = [f"Partner {attempt}a", f"Partner {attempt}b"]
        answers = together(*(
            (editor, url, _governance(form, [*kept, ("", name)]))
            for editor, form, name in zip(editors, seen, names, strict=True)
        ))  # fmt: skip
        assert sorted(answer.status_code for answer in answers) == [302, 409]  # one saves, one is told
        winner, loser = (0, 1) if answers[0].status_code == 302 else (1, 0)
        assert f'value="{names[loser]}"' in answers[loser].text and names[winner] in answers[loser].text
        expected.append(names[winner])
        with app.app_context():
            assert [p.name for p in db_session().get(Plan, plan_id).partners] == expected
        again = editors[loser].form(url)  # saving again from the current form keeps both
        rows = [(again[f"partners-{i}-row_id"], name) for i, name in enumerate(expected)]
        assert editors[loser].post(url, _governance(again, [*rows, ("", names[loser])])).status_code == 302
        expected.append(names[loser])
        with app.app_context():
            assert [p.name for p in db_session().get(Plan, plan_id).partners] == expected


def test_lifecycle_actions_fired_twice_happen_once(served):
    app, world = served["app"], served["world"]
    people = [
        Client(served, world["people"]["alfa"]),
        Client(served, world["people"]["alfa2"]),
    ]
    plan_id = world["plans"]["alfa"]
    for _attempt in range(15):
        forms = [person.form(f"/plans/{plan_id}/review") for person in people]
        answers = together(
            *((p, f"/plans/{plan_id}/finalise", f) for p, f in zip(people, forms, strict=True))
        )
        assert [a.status_code for a in answers] == [302, 302]
        status, _title, actions = plan_state(app, plan_id)
        assert status == "final" and actions.count("finalised") == 1
        forms = [person.form(f"/plans/{plan_id}") for person in people]
        answers = together(
            *((p, f"/plans/{plan_id}/new-version", f) for p, f in zip(people, forms, strict=True))
        )
        assert [a.status_code for a in answers] == [302, 302]  # never a 500
        with app.app_context():
            drafts = db_session().scalars(select(Plan).where(Plan.lineage_id == world["plans"]["alfa"],
                                                             Plan.status == "draft")).all()  # fmt: skip
            assert len(drafts) == 1
        previous, plan_id = plan_id, drafts[0].id
        forms = [person.form(f"/plans/{previous}") for person in people]
        answers = together(
            *((p, f"/plans/{previous}/archive", f) for p, f in zip(people, forms, strict=True))
        )
        assert [a.status_code for a in answers] == [302, 302]
        _status, _title, actions = plan_state(app, previous)
        assert actions.count("archived") == 1
