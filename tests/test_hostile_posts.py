"""Issue 14: every POST route of the URL map, walked as each role with hostile values, never answers 500,
and afterwards every page of every tenant answers as it did before.

The roles: an HR manager (Alfa), a viewer (Alfa), a network's coordinator, the HR manager of another
member firm (Beta) and of another tenant (Zeta). Each posts to every POST route, for objects of every
tenant and for ids that do not exist, with a valid CSRF token (without one every answer is a 400 and the
walk tests nothing) and fields named as the app's forms name them, filled by hypothesis with hostile
values: huge, non-finite, negative, unicode, NUL, markup, unknown choices, and lists of rows far longer
than any form shows. Derandomized and bounded, so it runs the same way, quickly, every time; on SQLite and
PostgreSQL like every test of the app. Documents are not rendered during the walk (the job thread is
stopped): what is walked is how the app answers, not WeasyPrint.
"""

from __future__ import annotations

import itertools
import re
from concurrent.futures import Future
from datetime import datetime

import pytest
from helpers import csrf_token
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from integrity_world import build, signed_in
from test_access import routes

from welfare_plans.db import db_session
from welfare_plans.jobs import ThreadExecutor
from welfare_plans.models import Job, NetworkMember
from welfare_plans.web.wizard_steps import wizard_steps

ROLES = {"hr": "alfa", "viewer": "viewer", "coordinator": "coordinator", "member": "beta", "outsider": "zeta"}
NOT_WALKED = {"auth.logout"}
EXAMPLES = 6  # hypothesis's forms per form reached (derandomized: the same ones every run)
ENDING = [
    "plans.finalise",
    "plans.new_version",
    "plans.archive",
    "networks.respond",
    "networks.leave",
]  # it ends the walker's session: signing out is tested in test_auth.py
MISSING = 10**9  # an id of nothing
HOSTILE = [
    "Infinity", "-Infinity", "NaN", "sNaN", "1E+999999", "1e30", "-1", "-0", str(10**19), "9" * 400,
    "0x1F", "1.234,567", "12,345.678", "٣", "Ⅻ", "", " ", "\x00", "a\x00b", "<script>alert(1)</script>",
    "{{ 7*7 }}", "'; DROP TABLE plan; --", "../../etc/passwd", "🙂" * 30, "x" * 6000, "2026-02-30",
    "9999-12-31", "0001-01-01", "not-a-choice", "y", "1", "accept", "on",
]  # fmt: skip
WITHOUT_NUL = [value for value in HOSTILE if "\x00" not in value]
HOSTILE_VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.integers(-(10**20), 10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
QUERY_NAMES = ["firm", "lang", "need", "rows", "goto", "with", "download", "accessible", "page", "q"]
FIELD = re.compile(r'name="([^"]+)"')
ROW = re.compile(r"^(\w+)-\d+-(\w+)$")


def _not_run(self, work, *args) -> Future:
    """The job thread, stopped: jobs are recorded and answered as pending, their documents never rendered."""
    future: Future = Future()
    future.set_result(None)
    return future


@pytest.fixture
def walk(app, monkeypatch):
    monkeypatch.setattr(ThreadExecutor, "submit", _not_run)
    with app.app_context():
        session = db_session()
        world = build(session)
        jobs = {}
        for name, owner, params in (
            ("firm", {"firm_id": world["firms"]["alfa"]}, {"plan_ids": [world["plans"]["alfa"]]}),
            ("network", {"network_id": world["network"]}, {"plan_id": world["joint"]}),
        ):
            kind = "render_documents" if name == "firm" else "render_annexes"
            job = Job(id=name[0] * 32, kind=kind, key=f"walk-{name}", params=params, created_at=datetime(2026, 1, 1),
                      **owner)  # fmt: skip
            session.add(job)
            jobs[name] = job.id
        session.commit()
    clients = {role: signed_in(app, world["people"][person]) for role, person in ROLES.items()}
    ids = {
        "plan_id": [world["plans"]["alfa"], world["joint"], world["plans"]["zeta"], MISSING],
        "firm_id": [world["firms"]["alfa"], world["firms"]["beta"], world["firms"]["zeta"], MISSING],
        "network_id": [world["network"], MISSING],
        "job_id": [jobs["firm"], jobs["network"], "0" * 32],
        "step": [*wizard_steps(app).names, "nowhere"],
        "token": ["not-a-token", "x" * 300],
        "membership_id": [1, MISSING],
        "name": ["groups", "need-areas", "nothing"],
        "service_id": [1, MISSING],
    }
    return {"app": app, "world": world, "clients": clients, "ids": ids}


def _url(app, rule, values: dict) -> str:
    """The rule's URL; an argument the walk has no values for (a route added later) gets the id 1."""
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: values.get(arg, 1) for arg in rule.arguments})


def _pages(app, walk) -> dict[tuple[str, str], int]:
    """What every GET page answers each role, for the objects of every tenant."""
    world, ids = walk["world"], walk["ids"]
    tenants = [
        {"plan_id": world["plans"]["alfa"], "firm_id": world["firms"]["alfa"]},
        {"plan_id": world["joint"], "firm_id": world["firms"]["beta"]},
        {"plan_id": world["plans"]["zeta"], "firm_id": world["firms"]["zeta"]},
    ]
    answers = {}
    for rule, method in routes(app):
        if method != "GET" or rule.endpoint == "static" or rule.endpoint.startswith(("admin.", "auth.")):
            continue
        for tenant in tenants if rule.arguments else [{}]:
            values = {**{name: choices[0] for name, choices in ids.items()}, **tenant}
            url = _url(app, rule, values) + (
                f"?with={values['plan_id']}" if rule.endpoint == "plans.compare" else ""
            )
            for role, client in walk["clients"].items():
                response = client.get(url)
                answers[(role, url)] = response.status_code
                response.close()
    return answers


def _vocabulary(walk, pages: dict) -> list[str]:
    """Every field name the app's pages show, for every role: what hostile forms are made of."""
    names = set()
    for (role, url), status in pages.items():
        if status == 200 and not url.endswith((".pdf", ".svg", ".json")):
            names.update(FIELD.findall(walk["clients"][role].get(url).get_data(as_text=True)))
    names.update(
        ["email", "password", "current_password", "new_password", "vat_number", "answer", "agree", "propose"]
    )
    names.discard("csrf_token")
    return sorted(names)


def _payloads(fields: list[str]):
    """Forms of hostile values over ``fields``; for a form with rows, sometimes a list of rows far longer
    than the page shows."""
    rows = sorted({(m.group(1), m.group(2)) for name in fields if (m := ROW.match(name))})
    drawn = st.dictionaries(st.sampled_from(fields), HOSTILE_VALUES, max_size=12)
    if not rows:
        return drawn
    long_list = st.tuples(st.sampled_from(rows), st.integers(0, 160), HOSTILE_VALUES).map(
        lambda row: {f"{row[0][0]}-{i}-{row[0][1]}": row[2] for i in range(row[1])}
    )
    return st.tuples(drawn, st.one_of(st.just({}), long_list)).map(lambda parts: {**parts[1], **parts[0]})


QUERIES = st.dictionaries(
    st.sampled_from(QUERY_NAMES), HOSTILE_VALUES | st.sampled_from(["1", "en"]), max_size=2
)


def _form_fields(walk, role: str, rule, url_values: dict, vocabulary: list[str]) -> list[str]:
    """The fields of the form a route's page shows the role (every field of the app for a bare action)."""
    if "GET" not in rule.methods:
        return vocabulary
    with walk["app"].test_request_context():
        from flask import url_for

        url = url_for(rule.endpoint, **url_values)
    page = walk["clients"][role].get(url)
    names = (
        sorted(set(FIELD.findall(page.get_data(as_text=True))) - {"csrf_token"})
        if page.status_code == 200
        else []
    )
    return names or vocabulary


def _hypothesis_walk(post, role: str, rule, url_values: dict, fields: list[str]) -> None:
    """A few forms of hostile values for the form the role reached, hypothesis choosing them."""

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(query=QUERIES, payload=_payloads(fields))
    def hostile(query, payload):
        post(role, rule, url_values, query, payload)

    hostile()


def _still_signed_in(app, walk, role: str) -> None:
    client = walk["clients"][role]
    if client.get("/networks/").status_code != 200:  # a walker signed itself out somehow: back in
        walk["clients"][role] = signed_in(app, walk["world"]["people"][ROLES[role]])


def test_no_hostile_post_answers_500_and_every_page_answers_as_before(app, walk):
    before = _pages(app, walk)
    assert not [page for page, status in before.items() if status >= 500]
    vocabulary = _vocabulary(walk, before)
    post_routes = sorted(
        (rule for rule, method in routes(app) if method == "POST" and rule.endpoint not in NOT_WALKED),
        key=lambda rule: ENDING.index(rule.endpoint) if rule.endpoint in ENDING else -1,
    )  # what ends a draft or a membership goes last, so that the walk reaches every form first
    assert len(post_routes) >= 25
    broken, answered = [], set()

    def post(role: str, rule, url_values: dict, query: dict, payload: dict) -> int | str:
        url = _url(app, rule, url_values)
        try:  # a test app lets a view's exception through: that is a 500 to a browser
            response = walk["clients"][role].post(
                url, query_string=query, data={**payload, "csrf_token": tokens[role]}
            )
            status = response.status_code
            response.close()
        except Exception as error:  # noqa: BLE001 - every failure is what the walk reports
            status = f"{type(error).__name__}: {error}"[:300]
        answered.add(status)
        if not isinstance(status, int) or status >= 500:
            broken.append((role, url, query, {k: v[:40] for k, v in payload.items() if v}, status))
        return status

    tokens = {role: csrf_token(client, "/networks/") for role, client in walk["clients"].items()}
    for rule, role in itertools.product(post_routes, ROLES):
        _still_signed_in(app, walk, role)
        tokens[role] = csrf_token(walk["clients"][role], "/networks/")
        # every object the route may name, with every field of every form holding a hostile value (a NUL
        # aside: it is refused before any form is read); where the role's post reached a form (it was
        # shown again, saved, or found stale), hypothesis fills in that form's own fields
        arguments = sorted(rule.arguments)
        choices = [walk["ids"].get(arg, [1, MISSING]) for arg in arguments]
        for shift, combination in enumerate(itertools.product(*choices)):
            url_values = dict(zip(arguments, combination, strict=True))
            hostile = dict(
                zip(vocabulary, itertools.islice(itertools.cycle(WITHOUT_NUL), shift, None), strict=False)
            )
            if post(role, rule, url_values, {}, hostile) in (200, 302, 409):
                _hypothesis_walk(
                    post, role, rule, url_values, _form_fields(walk, role, rule, url_values, vocabulary)
                )
    assert not broken, broken[:10]
    assert {200, 302, 400, 403, 404} <= answered  # forms shown again, saves, refusals: the walk reached them

    for role in ROLES:
        _still_signed_in(app, walk, role)
    after = _pages(app, walk)
    assert not [page for page, status in after.items() if status >= 500]
    with app.app_context():  # a firm the walk took out of the network no longer sees the network's pages
        left = {m.firm_id for m in db_session().query(NetworkMember).filter(NetworkMember.status != "active")}
    moved = {role for role, person in ROLES.items() if walk["world"]["firms"].get(person) in left}
    if walk["world"]["firms"]["alfa"] in left:
        moved.add("viewer")
    changed = {
        page: (before[page], status)
        for page, status in after.items()
        if status != before[page] and not (page[0] in moved and _of_the_network(page[1], walk["world"]))
    }
    assert changed == {}


def _of_the_network(url: str, world: dict) -> bool:
    return f"/plans/{world['joint']}" in url or url.startswith("/networks/") or "/jobs/" in url
