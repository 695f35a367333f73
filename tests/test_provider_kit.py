"""The provider's kit: `plugins new`, `plugins check`, `places find`, and documents rendered afresh."""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import TEST_PLUGINS, plugin_folder
from sqlalchemy import select

from welfare_plans import RenderedDocument, find_places, hookimpl, istat_code
from welfare_plans.catalog import get_contributions
from welfare_plans.db import db_session
from welfare_plans.documents import cache_key
from welfare_plans.plugins import PluginRecord, get_plugins
from welfare_plans.provider_kit import ScaffoldError, check_path, new_plugin
from welfare_plans.testing import sample_plan

REPO = Path(__file__).resolve().parent.parent


def test_plugins_new_writes_a_package_whose_own_tests_pass_as_generated(runner, tmp_path):
    result = runner.invoke(
        args=["plugins", "new", "coop-arcobaleno", "-d", str(tmp_path), "--place", "Luserna San Giovanni"]
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "welfare-plans-coop-arcobaleno"
    assert sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()) == [
        "README.md",
        "pyproject.toml",
        "tests/conftest.py",
        "tests/test_welfare_coop_arcobaleno.py",
        "welfare_coop_arcobaleno/__init__.py",
        "welfare_coop_arcobaleno/templates/terms.html",
    ]
    pyproject = (folder / "pyproject.toml").read_text()
    assert '[project.entry-points.welfare_plans]\ncoop-arcobaleno = "welfare_coop_arcobaleno"' in pyproject
    assert (
        'territory=Territory(municipalities=("001139",))'
        in (folder / "welfare_coop_arcobaleno/__init__.py").read_text()
    )
    # the package's own tests, as its author runs them before installing anything
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "4 passed" in tests.stdout
    checked = runner.invoke(args=["plugins", "check", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert "coop-arcobaleno" in checked.output and "accepted 1 provider(s), 1 service(s)" in checked.output


def test_plugins_new_refuses_what_would_not_work(runner, tmp_path):
    for name in ("Coop Arcobaleno", "coop_arcobaleno", "-coop", "coop--x"):
        with pytest.raises(ScaffoldError, match="lower-case"):
            new_plugin(name, tmp_path)
    with pytest.raises(ScaffoldError, match="quotes"):
        new_plugin("coop-x", tmp_path, provider_name='Coop "X"')
    new_plugin("coop-x", tmp_path)
    with pytest.raises(ScaffoldError, match="already exists"):
        new_plugin("coop-x", tmp_path)
    result = runner.invoke(args=["plugins", "new", "coop-y", "-d", str(tmp_path), "--place", "Atlantide"])
    assert (
        result.exit_code != 0 and "no Italian municipality or province is called 'Atlantide'" in result.output
    )


def test_plugins_check_gives_the_messages_the_app_records(make_app, runner, tmp_path):
    # the app with the plugin and the built-ins alone, as a check loads it
    folder = plugin_folder(tmp_path, "invalid_data.py")
    app = make_app(PLUGINS_DIR=folder, PLUGINS_ALLOWED=["invalid_data"], PLUGINS_STRICT=False)
    recorded = {(p.field, p.render()) for p in get_plugins(app).records["invalid_data"].problems}
    contributions = get_contributions(app)
    accepted = [
        sum(1 for plugin, _ in found.values() if plugin == "invalid_data")
        for found in (contributions.providers, contributions.service_types)
    ]
    assert recorded and accepted[1] > 0
    for path in (TEST_PLUGINS / "invalid_data.py", TEST_PLUGINS / "invalid_data.toml"):
        (report,) = check_path(path)
        assert {(p.field, p.render()) for p in report.problems} == recorded
        assert [report.providers, report.services] == accepted
        result = runner.invoke(args=["plugins", "check", str(path)])
        assert result.exit_code == 1
        assert "ServiceType[difettosa.negative-price].price: must not be negative (-5)" in result.output


def test_plugins_check_reads_packages_data_packages_and_broken_plugins(runner):
    (girotondo,) = check_path(REPO / "plugins" / "welfare-plans-coop-girotondo")  # a data package
    assert (girotondo.name, girotondo.services, girotondo.problems) == ("coop-girotondo", 5, [])
    (fourth,) = check_path(TEST_PLUGINS / "fourth_provider")  # entry point declared in setup.cfg
    assert (fourth.name, fourth.services, fourth.problems) == ("fourth-provider", 1, [])
    (broken,) = check_path(TEST_PLUGINS / "broken_import.py")
    assert "could not be imported: ModuleNotFoundError" in broken.problems[0].render()
    (misshapen,) = check_path(TEST_PLUGINS / "misshapen_data.toml")
    assert len(misshapen.problems) == 8 and misshapen.services == 0
    result = runner.invoke(args=["plugins", "check", str(TEST_PLUGINS / "README.md")])
    assert result.exit_code != 0 and "a plugin is a .py file, a .toml data file or a folder" in result.output


def test_places_are_found_by_name_for_authors(runner):
    assert istat_code("Pinerolo") == "001191"
    assert istat_code("Provincia di Cuneo") == "004"
    assert [place.code for place in find_places("Peglio")] == ["013178", "041041"]
    with pytest.raises(LookupError, match=r"Peglio \(CO\) 013178; Peglio \(PU\) 041041"):
        istat_code("Peglio")
    with pytest.raises(LookupError, match="no Italian municipality"):
        istat_code("Atlantide")
    assert "Luserna San Giovanni (TO)" in {place.label for place in find_places("luserna s")}
    result = runner.invoke(args=["places", "find", "Pinerolo"])
    assert result.exit_code == 0 and result.output == "001191  municipality  Pinerolo (TO)\n"
    result = runner.invoke(args=["places", "find", "Provincia", "di", "Torino"])
    assert result.output == "001     province      Torino (TO)\n"
    assert runner.invoke(args=["places", "find", "Atlantide"]).exit_code != 0


def test_the_cache_key_changes_with_any_plugin_name_or_version(app):
    plan = sample_plan()
    key = cache_key(app, plan, "it", "pdf/a-3u")
    records = get_plugins(app).records
    original = records["coop-girotondo"]
    records["coop-girotondo"] = replace(original, version="0.9.2")
    assert cache_key(app, plan, "it", "pdf/a-3u") != key
    records["coop-girotondo"] = original
    assert cache_key(app, plan, "it", "pdf/a-3u") == key
    get_plugins(app).register(PluginRecord("late-renderer", "local", version="1.0"), CountingRenderer())
    assert cache_key(app, plan, "it", "pdf/a-3u") != key


class CountingRenderer:
    def __init__(self):
        self.renders = 0

    @hookimpl
    def render_plan(self, plan, language, sections, variant):
        self.renders += 1
        return RenderedDocument(content=f"%PDF render {self.renders}".encode())


def test_plans_render_no_cache_renders_afresh_and_replaces_the_cached_file(app, tmp_path):
    from welfare_plans.demo import load_demo
    from welfare_plans.models import Plan

    renderer = CountingRenderer()
    get_plugins(app).register(PluginRecord("counting", "local"), renderer)  # answers before the built-in
    with app.app_context():
        load_demo(app)
        plan_id = db_session().scalar(select(Plan.id).where(Plan.firm_id.is_not(None)))
    runner = app.test_cli_runner()
    target = tmp_path / "plan.pdf"

    def render(*options):
        result = runner.invoke(args=["plans", "render", str(plan_id), "-o", str(target), *options])
        assert result.exit_code == 0, result.output
        return target.read_bytes()

    assert render() == render() == b"%PDF render 1"  # the second from the cache
    assert render("--no-cache") == b"%PDF render 2"
    assert render() == b"%PDF render 2" and renderer.renders == 2  # the cache holds the fresh one
