"""A plugin made by `plugins new` installs with pip into a new venv, and its own tests pass against it.

The new venv gets welfare-plans, pytest and setuptools from this one (a ``.pth`` file adds this venv's
site-packages as a site directory), so nothing is downloaded; the plugin itself is built and installed
by pip into the new venv, not in editable mode, and its tests run from a folder outside the package, so
they import the installed copy and its packaged template.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from welfare_plans.provider_kit import new_plugin

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path, **settings: str) -> str:
    """Run a command as a fresh shell would, with only ``settings`` among the WELFARE_* variables."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("WELFARE_", "PYTHON", "VIRTUAL_ENV"))
    }
    environment.update({f"WELFARE_{name}": value for name, value in settings.items()})
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_new_plugin_installs_with_pip_and_its_tests_pass_against_the_installed_package(tmp_path):
    created = new_plugin("coop-arcobaleno", tmp_path / "src", provider_name="Cooperativa Arcobaleno")
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    site_packages = Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip()
    )
    ours = sysconfig.get_paths()["purelib"]
    (site_packages / "welfare_plans_host.pth").write_text(f"import site; site.addsitedir({ours!r})\n")

    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-index",
        "--no-build-isolation", created.folder, cwd=tmp_path)  # fmt: skip

    where = run(python, "-c", "import welfare_coop_arcobaleno as p; print(p.__file__)", cwd=tmp_path).strip()
    installed = Path(where).parent
    assert installed.parent == site_packages  # a real install into the new venv, not a link to the source
    assert (installed / "templates" / "terms.html").is_file()
    settings = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'welfare.db'}",
        "SECRET_KEY": "test",
        "PLUGINS_DIR": "",
    }
    listed = run(
        python, "-m", "flask", "--app", "welfare_plans", "plugins", "list", "--json", cwd=tmp_path, **settings
    )
    assert '"name": "coop-arcobaleno"' in listed and '"version": "0.1.0"' in listed

    tests = tmp_path / "run" / "tests"
    shutil.copytree(created.folder / "tests", tests)
    output = run(
        python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", tests, cwd=tests.parent
    )
    assert "4 passed" in output
