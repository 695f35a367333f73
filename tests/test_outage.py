"""When PostgreSQL goes away, readiness says so and pages say so; when it is back, the app works again,
without a restart. The test starts a throwaway server of its own and leaves the shared one alone.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from helpers import base_config, login

from welfare_plans import create_app, schema
from welfare_plans.demo import DEMO_HR, load_demo

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def throwaway_postgres():
    if PG_BIN is None or not (PG_BIN / "initdb").exists():
        pytest.skip("needs PostgreSQL's server programs (initdb, pg_ctl): apt-get install postgresql")
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root needs runuser to start PostgreSQL as the postgres user")
        prefix = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="welfare-pg-"))
    folder.chmod(0o755)
    data = folder / "data"
    data.mkdir()
    if prefix:
        shutil.chown(data, "postgres", "postgres")
        data.chmod(0o700)
    port = free_port()
    run = lambda *args: subprocess.run([*prefix, *args], check=True, capture_output=True, text=True)  # noqa: E731
    run(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {data} -c fsync=off"

    def start():
        run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(data / "server.log"),
            "-w",
            "start",
        )

    def stop():
        run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")

    start()
    try:
        yield {"url": f"postgresql://postgres@127.0.0.1:{port}/postgres", "start": start, "stop": stop}
    finally:
        subprocess.run(
            [*prefix, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def outage_app(throwaway_postgres, tmp_path):
    app = create_app(base_config(throwaway_postgres["url"], DOCUMENTS_DIR=str(tmp_path / "documents")))
    yield app
    app.extensions["welfare_plans.db"].engine.dispose()  # no connection left for the garbage collector


def test_an_outage_is_reported_and_the_app_recovers_by_itself(outage_app, throwaway_postgres):
    app = outage_app
    schema.upgrade(app)
    with app.app_context():
        load_demo(app)
    client = app.test_client()
    login(client, DEMO_HR["email"], DEMO_HR["password"])
    assert client.get("/health/ready").get_json() == {
        "status": "ready",
        "database": "ok",
        "schema": "current",
    }
    assert client.get("/plans/1").status_code == 200

    throwaway_postgres["stop"]()
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.get_json() == {"status": "unavailable", "database": "unreachable"}
    page = client.get("/plans/1")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "Nothing you saved is lost" in page.get_data(
        as_text=True
    ) or "Nulla di ciò che hai salvato" in page.get_data(as_text=True)
    assert client.get("/health/live").status_code == 200  # the process itself is fine

    throwaway_postgres["start"]()
    assert client.get("/health/ready").status_code == 200
    assert "Piano di welfare aziendale 2026" in client.get("/plans/1").get_data(as_text=True)


def test_readiness_says_so_when_the_schema_needs_an_upgrade(make_app):
    app = make_app()
    schema.downgrade(app, "0003")
    try:
        response = app.test_client().get("/health/ready")
        assert response.status_code == 503 and response.get_json()["schema"] == "needs upgrade"
    finally:
        schema.upgrade(app)  # on PostgreSQL the schema is shared by the whole session
    assert app.test_client().get("/health/ready").status_code == 200
