"""A firm plan and a joint plan are one concept with two kinds: the kind, not the code around it, decides.

A new wizard step is one declaration; the code outside the kinds does not ask what owns a plan.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from helpers import form_post, login, make_firm, make_member
from jinja2 import ChoiceLoader, DictLoader
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from welfare_plans.db import db_session
from welfare_plans.models import Plan
from welfare_plans.plans import FIRM, JOINT, kind_of
from welfare_plans.web.wizard_steps import WizardStep, wizard_steps

ROOT = Path(__file__).resolve().parent.parent

# Where the code may still ask what owns a plan (or a job), and why. Anything else asks the plan's kind.
ALLOWED_BRANCHES = {
    # the one place that maps an owner to a kind
    "welfare_plans/plans/kinds.py": 1,
    # the value plugins see says whether it is joint: the document plugin and its templates read it
    "welfare_plans/domain/plan.py": 2,
    "welfare_plans/builtin/plan_document.py": 1,
    "welfare_plans/builtin/templates/pdf_renderer/plan.html": 1,
    "welfare_plans/builtin/templates/plan_document/preamble.html": 1,
    "welfare_plans/builtin/templates/italian_tax/panel.html": 1,
    # a job belongs to a firm or to a network (not to a plan): who may see it follows from that
    "welfare_plans/documents/job_kinds.py": 1,
}
# ``is_joint``, ``network_id is (not) None``, or an ``if`` (Python or Jinja) that tests a ``network_id``,
# unless it hands the id to ``kind_for``
BRANCH = re.compile(r"\bis_joint\b|\bnetwork_id\s+is\s|\bif\b(?!.*\bkind_for\().*\bnetwork_id\b(?!=)")


LINK = re.compile(r"url_for\([^)]*\)")


def branches() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in [
        *ROOT.glob("welfare_plans/**/*.py"),
        *ROOT.glob("welfare_plans/**/*.html"),
        *ROOT.glob("templates/**/*.html"),
    ]:
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue
        lines = (LINK.sub("", line) for line in path.read_text().splitlines())  # a link is not a branch
        hits = sum(1 for line in lines if BRANCH.search(line))
        if hits:
            found[relative] = hits
    return found


def test_no_code_outside_the_kinds_asks_what_owns_a_plan():
    unexpected = {path: count for path, count in branches().items() if count > ALLOWED_BRANCHES.get(path, 0)}
    assert unexpected == {}, "ask plans.kind_of(plan) instead of testing is_joint or network_id"


def test_the_branch_count_sees_a_new_branch():
    planted = ROOT / "templates" / "_planted_branch_test.html"
    planted.write_text("{% if plan.network_id is not None %}joint{% endif %}")
    try:
        assert branches().get("templates/_planted_branch_test.html") == 1
    finally:
        planted.unlink()


def test_each_kind_answers_for_its_plans(app):
    from welfare_plans.demo import load_demo

    with app.app_context():
        load_demo(app)
        firm_plan, joint_plan = db_session().query(Plan).order_by(Plan.id).all()
        assert kind_of(firm_plan) is FIRM and kind_of(joint_plan) is JOINT
        assert FIRM.applies("categories") and FIRM.applies("quantities")
        assert not JOINT.applies("categories") and not JOINT.applies("quantities")
        assert JOINT.applies("open_to_member_employees") and not FIRM.applies("open_to_member_employees")
        assert FIRM.owner_scope(firm_plan) == {"firm_id": firm_plan.firm_id}
        assert JOINT.owner_scope(joint_plan) == {"network_id": joint_plan.network_id}
        # the joint value is rolled up over the members' parts, the firm value is the plan's own rows
        assert len(JOINT.value(joint_plan).annexes) == 9 and FIRM.value(firm_plan).annexes == ()


class WorkersVoiceForm(FlaskForm):
    usage_notes = TextAreaField(_l("How to use the benefits"), validators=[Optional(), Length(max=200)])


STEP_TEMPLATE = """{% extends "wizard/_step.html" %}
{% block fields %}<label for="usage_notes">Voce dei lavoratori</label>{{ form.usage_notes() }}
{% for error in form.usage_notes.errors %}<p class="error">{{ error }}</p>{% endfor %}{% endblock %}"""


@pytest.fixture
def with_a_new_step(app):
    """A step declared here, and nowhere else: its form, template, how it applies, the label of its field."""

    def apply(plan, form, kind):
        plan.usage_notes = (form.usage_notes.data or "").strip()

    step = WizardStep(
        "workers_voice",
        "Voce dei lavoratori",
        form=lambda plan, kind: WorkersVoiceForm(data={"usage_notes": plan.usage_notes}),
        apply=apply,
        labels={"workers_voice": "Voce dei lavoratori"},
        template="test/workers_voice.html",
    )
    wizard_steps(app).add(step, after="basket")
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"test/workers_voice.html": STEP_TEMPLATE}), app.jinja_env.loader]
    )
    return step


def test_a_step_declared_once_is_walked_like_the_others(app, client, with_a_new_step):
    with app.app_context():
        firm = make_firm(db_session(), "Tessitura Pellice S.p.A.", "05987650016")
        hr = make_member(db_session(), firm, "hr@tessitura.example")
        firm_id = firm.id
    login(client, hr["email"], hr["password"])
    created = form_post(client, f"/plans/new?firm={firm_id}", {"title": "Piano 2026", "fiscal_year": "2026"})
    plan_id = int(created.headers["Location"].split("/")[2])

    basket = client.get(f"/plans/{plan_id}/steps/basket").get_data(as_text=True)
    assert "4. Basket of services" in basket or "4. Paniere" in basket
    assert "5. Voce dei lavoratori" in basket and "6. " in basket  # governance moved one place on

    page = client.get(f"/plans/{plan_id}/steps/workers_voice")
    assert page.status_code == 200 and 'name="usage_notes"' in page.get_data(as_text=True)
    saved = form_post(client, f"/plans/{plan_id}/steps/workers_voice", {"usage_notes": "Sportello il lunedì"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/steps/governance")
    with app.app_context():
        assert db_session().get(Plan, plan_id).usage_notes == "Sportello il lunedì"

    too_long = form_post(client, f"/plans/{plan_id}/steps/workers_voice", {"usage_notes": "x" * 300})
    assert too_long.status_code == 200 and 'class="error"' in too_long.get_data(as_text=True)
    with app.app_context():
        assert db_session().get(Plan, plan_id).usage_notes == "Sportello il lunedì"  # nothing saved is lost

    history = client.get(f"/plans/{plan_id}/history").get_data(as_text=True)
    assert "Sportello il lunedì" in history
    assert wizard_steps(app).after("basket") == "workers_voice"
    assert wizard_steps(app).step_of("workers_voice") == "workers_voice"


def test_a_step_name_is_taken_once(app, with_a_new_step):
    with pytest.raises(ValueError, match="exists already"):
        wizard_steps(app).add(with_a_new_step)
