"""A fourth provider installed with pip shows up in the catalog after a sync, without touching core code."""

import importlib
import subprocess
import sys

import pytest
from helpers import TEST_PLUGINS

pytestmark = pytest.mark.slow


@pytest.fixture
def pip_install(tmp_path, monkeypatch):
    """Install a package the way a provider's customer does, into a folder put on sys.path."""
    target = tmp_path / "site-packages"

    def install(package_dir):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--no-cache-dir",
                "--target",
                str(target),
                str(package_dir),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        monkeypatch.syspath_prepend(str(target))
        importlib.invalidate_caches()

    yield install
    sys.modules.pop("welfare_fourth_provider", None)


def test_a_provider_package_installed_with_pip_appears_after_catalog_sync(pip_install, make_app):
    before = make_app()
    assert "services: 15 created" in before.test_cli_runner().invoke(args=["catalog", "sync"]).output

    pip_install(TEST_PLUGINS / "fourth_provider")

    app = make_app()  # what a restart of the app server does
    record = next(r for r in app.extensions["welfare_plans.plugins"].list() if r.name == "fourth-provider")
    assert (record.source, record.version, record.status) == ("installed", "0.3.0", "active")
    assert record.distribution == "welfare-plans-fourth-provider"
    result = app.test_cli_runner().invoke(args=["catalog", "sync"])
    assert "services: 1 created, 0 updated, 0 restored, 0 withdrawn, 15 unchanged" in result.output
    html = (
        app.test_client()
        .get("/catalog/?place=Perosa+Argentina&need_area=culture_leisure")
        .get_data(as_text=True)
    )
    assert "Corso di nuoto per ragazzi" in html
