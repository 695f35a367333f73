"""When PostgreSQL goes away, readiness says so and pages say so; when it is back, the app works again,
without a restart. The test starts a throwaway server of its own and leaves the shared one alone.
"""

import pytest
from helpers import base_config, login

from benchmarks.throwaway_pg import ThrowawayPostgres, Unavailable
from welfare_plans import create_app, schema
from welfare_plans.demo import DEMO_HR, load_demo


@pytest.fixture
def throwaway_postgres():
    try:
        server = ThrowawayPostgres()
    except Unavailable as missing:
        pytest.skip(str(missing))
    with server:
        yield {"url": server.url, "start": server.start, "stop": server.stop}


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
