"""The application factory and where configuration comes from."""

import pytest

from welfare_plans import create_app


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """Run create_app() as a deployment does: instance/config.py and WELFARE_* variables."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(folder))
    for name in ("WELFARE_DATABASE_URL", "WELFARE_SECRET_KEY", "WELFARE_PLUGINS_BLOCKED"):
        monkeypatch.delenv(name, raising=False)
    return folder


def test_defaults_put_sqlite_and_a_generated_secret_in_the_instance_folder(instance):
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'welfare.db'}"
    secret = (instance / "secret_key").read_text()
    assert app.config["SECRET_KEY"] == secret and len(secret) >= 40
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0
    assert create_app().config["SECRET_KEY"] == secret  # kept across restarts


def test_instance_config_then_environment_variables_override_defaults(instance, monkeypatch):
    (instance / "config.py").write_text(
        'SECRET_KEY = "from-file"\nPLUGINS_BLOCKED = ["coop-girotondo"]\nCATALOG_PAGE_SIZE = 50\n'
    )
    monkeypatch.setenv("WELFARE_SECRET_KEY", "from-environment")
    monkeypatch.setenv("WELFARE_PLUGINS_BLOCKED", '["sms-pinerolese"]')
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-environment"
    assert app.config["PLUGINS_BLOCKED"] == ["sms-pinerolese"]
    assert app.config["CATALOG_PAGE_SIZE"] == 50


def test_a_postgresql_url_uses_the_installed_psycopg_driver(instance, monkeypatch):
    """A deployment names a plain postgresql:// URL; the app reaches it through psycopg 3, which it installs."""
    import psycopg

    monkeypatch.setenv("WELFARE_DATABASE_URL", "postgresql://welfare@db.invalid:5432/welfare")
    monkeypatch.setenv("WELFARE_CATALOG_SYNC_ON_STARTUP", "false")  # no server answers at db.invalid
    engine = create_app().extensions["welfare_plans.db"].engine
    assert (engine.url.drivername, engine.url.host, engine.url.database) == (
        "postgresql+psycopg",
        "db.invalid",
        "welfare",
    )
    assert engine.dialect.dbapi is psycopg
    from welfare_plans.db import normalise_url

    assert normalise_url("postgresql://welfare@db.invalid/welfare").drivername == "postgresql+psycopg"


def test_the_app_starts_and_syncs_the_catalog_once_the_schema_is_current(make_app):
    app = make_app(CATALOG_SYNC_ON_STARTUP=True)
    assert "15 servizi trovati" in app.test_client().get("/catalog/").get_data(as_text=True)


def test_the_app_starts_on_an_empty_database_without_syncing(tmp_path):
    from helpers import base_config

    app = create_app(base_config(f"sqlite:///{tmp_path / 'empty.db'}", CATALOG_SYNC_ON_STARTUP=True))
    assert app.test_cli_runner().invoke(args=["db", "current"]).output.startswith("base")


def test_the_gunicorn_settings_load_and_serve_the_app_factory(monkeypatch):
    import runpy
    from pathlib import Path

    monkeypatch.setenv("WELFARE_GUNICORN_WORKERS", "3")
    settings = runpy.run_path(str(Path(__file__).parent.parent / "gunicorn.conf.py"))
    assert settings["workers"] == 3 and settings["worker_class"] == "sync"
    assert settings["preload_app"] is True and settings["max_requests"] > 0
    monkeypatch.setenv("WELFARE_GUNICORN_PRELOAD_APP", "false")
    assert runpy.run_path(str(Path(__file__).parent.parent / "gunicorn.conf.py"))["preload_app"] is False


def test_a_forked_worker_does_not_share_the_masters_database_connections(make_app):
    """With preload_app the master builds the app; post_fork leaves the master's pooled connections to it."""
    import runpy
    from pathlib import Path
    from types import SimpleNamespace

    app = make_app()
    engine = app.extensions["welfare_plans.db"].engine
    with engine.connect():
        pass
    pool = engine.pool
    settings = runpy.run_path(str(Path(__file__).parent.parent / "gunicorn.conf.py"))
    settings["post_fork"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)), None)
    assert engine.pool is not pool  # a fresh pool: the worker opens connections of its own
    pool.dispose()  # here master and worker are one process: close what the "master" had open


def test_the_master_freezes_what_it_built_before_forking_a_worker():
    """Frozen objects are left out of the workers' full garbage collections, which a page of a large
    network sets off: they would otherwise scan the whole app again each time."""
    import gc
    import runpy
    from pathlib import Path

    settings = runpy.run_path(str(Path(__file__).parent.parent / "gunicorn.conf.py"))
    built = ["made by the master"]  # a list: an object the collector tracks
    try:
        settings["pre_fork"](None, None)
        assert gc.get_freeze_count() > 0
        assert gc.is_tracked(built) and not any(obj is built for obj in gc.get_objects())
    finally:
        gc.unfreeze()
