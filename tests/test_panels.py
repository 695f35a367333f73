"""Panels plugins add to plan pages (``plan_page_panels``), from templates the plugins ship themselves.

The built-in tax comparison arrives the same way, so blocking ``italian_tax`` takes it off every page.
"""

import pytest
from helpers import login, plugin_folder
from sqlalchemy import select

from welfare_plans.db import db_session
from welfare_plans.demo import DEMO_HR, load_demo
from welfare_plans.models import Plan
from welfare_plans.plugins import get_plugins

# what a user reads of the tax comparison, in Italian (the default language)
TAX_ON_A_FIRM_PLAN = ("Welfare a confronto con la retribuzione", "Il lavoratore riceve come retribuzione")
TAX_ON_A_JOINT_PLAN = ("Welfare a confronto con la retribuzione", "I lavoratori ricevono come retribuzione")


def demo_pages(app, load: bool = True) -> dict[str, str]:
    """The demo's firm plan overview and review, and its joint plan's, as the demo firm's HR manager sees them."""
    with app.app_context():
        if load:
            load_demo(app)
        firm_plan = db_session().scalar(select(Plan.id).where(Plan.network_id.is_(None)))
        joint_plan = db_session().scalar(select(Plan.id).where(Plan.network_id.is_not(None)))
    client = app.test_client()
    login(client, DEMO_HR["email"], DEMO_HR["password"])
    pages = {
        "overview": f"/plans/{firm_plan}",
        "review": f"/plans/{firm_plan}/review",
        "joint overview": f"/plans/{joint_plan}",
        "joint review": f"/plans/{joint_plan}/review",
    }
    found = {}
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = response.get_data(as_text=True)
    return found


@pytest.mark.parametrize("blocked", [False, True], ids=["with italian_tax", "italian_tax blocked"])
def test_the_tax_comparison_is_on_every_plan_page_only_while_italian_tax_is_loaded(make_app, blocked):
    app = make_app(PLUGINS_BLOCKED=["italian_tax"] if blocked else [])
    pages = demo_pages(app)
    for name, page in pages.items():
        texts = TAX_ON_A_JOINT_PLAN if name.startswith("joint") else TAX_ON_A_FIRM_PLAN
        for text in (*texts, "Ipotesi", "Regole dell&#39;anno fiscale 2026."):
            assert (text in page) is not blocked, (name, text)
        assert ('id="panel-tax-comparison"' in page) is not blocked, name
    # the joint plan's pages show the network's totals, never a member firm's categories: every member
    # reads them, whatever the network's sharing policy
    for name in ("joint overview", "joint review"):
        assert "Il lavoratore riceve come retribuzione" not in pages[name]
        assert "Per un lavoratore" not in pages[name]


def test_a_plugin_ships_a_template_and_adds_a_panel_to_the_overview(make_app, tmp_path):
    app = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "panel_plugin"))
    pages = demo_pages(app)
    overview = pages["overview"]
    # the title is text, escaped; the body is the plugin's own template, with the plan's values escaped
    assert '<h2 id="panel-canteen-title">Mensa &lt;orari&gt; e altro</h2>' in overview
    assert (
        '<p class="canteen-panel">Aperta ai lavoratori di <em>Piano di welfare aziendale 2026</em>.</p>'
        in overview
    )
    # need areas named as the built-in need_areas plugin names them, in the page's language
    assert "<li>Sanità integrativa</li>" in overview
    # after the tax comparison, which asks for a lower position
    assert overview.index('id="panel-tax-comparison"') < overview.index('id="panel-canteen"')
    assert 'id="panel-canteen"' in pages["joint overview"]
    assert "Mensa" not in pages["review"] and "Mensa" not in pages["joint review"]


def test_a_panel_is_shown_in_english_when_the_page_is(make_app, tmp_path):
    app = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "panel_plugin"))
    with app.app_context():
        load_demo(app)
        plan_id = db_session().scalar(select(Plan.id).where(Plan.network_id.is_(None)))
    client = app.test_client()
    login(client, DEMO_HR["email"], DEMO_HR["password"])
    page = client.get(f"/plans/{plan_id}?lang=en").get_data(as_text=True)
    assert "Canteen &lt;hours&gt; &amp; more" in page
    assert "Open to the workers of" in page and "<li>Supplementary health</li>" in page
    assert "Welfare compared with pay" in page


def test_a_failing_panel_plugin_is_reported_and_the_pages_still_show(make_app, tmp_path):
    folder = plugin_folder(tmp_path, "raising_panel.py", "panel_plugin")
    app = make_app(PLUGINS_DIR=folder, PLUGINS_STRICT=False)
    first, again = demo_pages(app), demo_pages(app, load=False)
    for pages in (first, again):
        for name, page in pages.items():
            assert "Welfare a confronto con la retribuzione" in page, name  # the other panels are there
            assert "canteen timetable" not in page  # the error is for the plugins page, not for the user
        assert "Mensa &lt;orari&gt; e altro" in pages["overview"]
    record = {record.name: record for record in get_plugins(app).list()}["raising_panel"]
    assert record.status == "degraded"
    assert get_plugins(app).manager.get_plugin("raising_panel") is not None  # it stays loaded
    (problem,) = record.problems  # reported once, however many pages asked
    assert problem.field == "plan_page_panels"
    assert "RuntimeError: the canteen timetable could not be read" in problem.render()


def test_a_plugin_template_never_replaces_a_core_template(make_app, tmp_path):
    # a plugin named like a folder of the core's templates, with a template named like a core page
    folder = tmp_path / "local-plugins"
    (folder / "plans" / "templates").mkdir(parents=True)
    (folder / "plans" / "__init__.py").write_text('template_folder = "templates"\n')
    (folder / "plans" / "templates" / "overview.html").write_text("taken over")
    (folder / "plans" / "templates" / "own.html").write_text("the plugin's own page")
    app = make_app(PLUGINS_DIR=str(folder))
    with app.app_context():
        assert app.jinja_env.get_template("plans/own.html").render() == "the plugin's own page"
        source, _, _ = app.jinja_env.loader.get_source(app.jinja_env, "plans/overview.html")
        assert source != "taken over" and '{% extends "base.html" %}' in source


def test_a_template_folder_that_is_not_there_fails_the_plugin(make_app, tmp_path):
    folder = tmp_path / "local-plugins"
    folder.mkdir()
    (folder / "no_templates.py").write_text(
        'from welfare_plans import hookimpl\n\ntemplate_folder = "templates"\n\n\n'
        "@hookimpl\ndef plan_page_panels(plan, page, language):\n    return []\n"
    )
    app = make_app(PLUGINS_DIR=str(folder), PLUGINS_STRICT=False)
    record = {record.name: record for record in get_plugins(app).list()}["no_templates"]
    assert record.status == "failed"
    assert record.problems[0].field == "template_folder"
    assert f"{folder / 'templates'} is not a folder" in record.problems[0].render()
    assert get_plugins(app).manager.get_plugin("no_templates") is None
    assert "no_templates" not in get_plugins(app).template_loaders
