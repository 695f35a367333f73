"""The flask commands a maintainer and the two make targets use."""

import json

from sqlalchemy import func, select

from welfare_plans.db import db_session
from welfare_plans.demo import DEMO_ADMIN
from welfare_plans.models import CatalogService, User


def test_plugins_list_json_shows_builtins_and_providers_with_versions(runner):
    result = runner.invoke(args=["plugins", "list", "--json"])
    assert result.exit_code == 0
    plugins = {item["name"]: item for item in json.loads(result.output)}
    assert plugins["need_areas"]["source"] == "builtin"
    assert plugins["sms-pinerolese"] == {
        "name": "sms-pinerolese",
        "version": "2.0.3",
        "source": "installed",
        "status": "active",
        "hooks": ["plan_document_sections", "register_providers", "register_service_types"],
        "distribution": "welfare-plans-sms-pinerolese",
        "location": "welfare_sms_pinerolese",
        "contract": None,
        "deprecations": [],
        "problems": [],
        "error_count": 0,
        "last_error": None,
        "last_error_at": None,
    }


def test_plugins_list_table_shows_a_failed_plugin_and_its_reason(make_app, tmp_path):
    from helpers import plugin_folder

    app = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "raising_hook.py"), PLUGINS_STRICT=False)
    result = app.test_cli_runner().invoke(args=["plugins", "list"])
    assert result.exit_code == 0
    assert "raising_hook" in result.output and "failed" in result.output
    assert "register_service_types: register_service_types raised RuntimeError" in result.output


def test_catalog_sync_reports_what_changed(make_app):
    runner = make_app().test_cli_runner()
    first = runner.invoke(args=["catalog", "sync"])
    assert "services: 15 created, 0 updated, 0 restored, 0 withdrawn, 0 unchanged" in first.output
    second = runner.invoke(args=["catalog", "sync"])
    assert "services: 0 created, 0 updated, 0 restored, 0 withdrawn, 15 unchanged" in second.output


def test_catalog_sync_right_after_installing_a_plugin_reports_what_it_created(
    make_app, database_url, tmp_path
):
    """``flask catalog sync`` as an administrator runs it, in a process of its own, with the start-up sync
    switched on: building the app for a command must not sync first and leave the command nothing to do."""
    import os
    import subprocess
    import sys

    from helpers import plugin_folder

    make_app().test_cli_runner().invoke(args=["catalog", "sync"])  # the catalog before the new plugin
    env = {
        **os.environ,
        "WELFARE_DATABASE_URL": database_url,
        "WELFARE_SECRET_KEY": "tests-only-secret",
        "WELFARE_PLUGINS_DIR": plugin_folder(tmp_path, "fourth_provider"),
        "WELFARE_DOCUMENTS_DIR": str(tmp_path / "documents"),
        "WELFARE_CATALOG_SYNC_ON_STARTUP": "true",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "welfare_plans", "catalog", "sync"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "providers: 1 created, 0 updated, 0 restored, 0 withdrawn, 3 unchanged" in result.stdout
    assert "services: 1 created, 0 updated, 0 restored, 0 withdrawn, 15 unchanged" in result.stdout


def test_users_create_makes_an_administrator_who_can_sign_in(runner, app, client):
    from helpers import login

    result = runner.invoke(
        args=["users", "create", "Maria.Bianchi@Example.org", "--name", "Maria Bianchi", "--admin"],
        input="correct-horse-battery\ncorrect-horse-battery\n",
    )
    assert result.exit_code == 0, result.output
    assert "created administrator maria.bianchi@example.org" in result.output
    login(client, "maria.bianchi@example.org", "correct-horse-battery")
    assert client.get("/admin/plugins").status_code == 200


def test_users_create_refuses_a_short_password_and_a_duplicate(runner):
    short = runner.invoke(args=["users", "create", "a@example.org", "--name", "A", "--password", "short"])
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    runner.invoke(args=["users", "create", "a@example.org", "--name", "A", "--password", "long-enough-1"])
    again = runner.invoke(
        args=["users", "create", "A@example.org", "--name", "A", "--password", "long-enough-1"]
    )
    assert again.exit_code == 1 and "already exists" in again.output


def test_demo_load_twice_changes_nothing_the_second_time(make_app):
    from stdnum.it import iva

    from welfare_plans.demo import DEMO_HR
    from welfare_plans.models import Firm, Plan
    from welfare_plans.plans import FIRM, JOINT, check_plan, kind_of, to_domain

    app = make_app()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "catalog: 15 services offered" in second.output
    assert "already there" in second.output
    with app.app_context():
        session = db_session()
        assert session.scalar(select(func.count()).select_from(User)) == 4  # admin, HR, viewer, coordinator
        assert session.scalar(select(func.count()).select_from(CatalogService)) == 15
        for account in (DEMO_ADMIN, DEMO_HR):
            assert session.scalar(select(User).where(User.email == account["email"])).check_password(
                account["password"]
            )
        firms = session.scalars(select(Firm)).all()
        assert len(firms) == 9 and all(iva.is_valid(firm.vat_number) for firm in firms)  # the pact's members
        plan, joint = session.scalars(select(Plan).order_by(Plan.id)).all()
        assert kind_of(joint) is JOINT and kind_of(plan) is FIRM and len(joint.parts) == 9
        joint_problems = check_plan(app.extensions["welfare_plans.plugins"], to_domain(joint))
        assert [p for p in joint_problems if p.severity == "error"] == []  # the coordinator can finalise it
        assert plan.status == "final"
        problems = check_plan(app.extensions["welfare_plans.plugins"], to_domain(plan))
        assert [p for p in problems if p.severity == "error"] == []
        assert len(plan.items) == 5


def test_db_current_says_the_schema_is_up_to_date(runner):
    result = runner.invoke(args=["db", "current"])
    assert "(up to date)" in result.output
