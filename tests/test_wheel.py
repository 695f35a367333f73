"""The app as a production deployment gets it: a wheel installed without -e, no source tree beside it.

The wheel is built as a release is (``python -m build``: an sdist, then the wheel from the sdist) from a
copy of the files git knows, so build products of this checkout (compiled catalogs, egg-info) cannot leak
in. It is installed with the provider plugins into a new venv, and the app is run from a folder outside
the repository: migrations, demo data, the catalog, a plan overview and the plan's PDF.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pypdf
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
VISIT = Path(__file__).with_name("installed_app_visit.py")
DEMO_PLAN_TITLE = "Piano di welfare aziendale 2026"
DEMO_SERVICE = "Piano sanitario integrativo per lavoratori"  # offered by the SMS Pinerolese provider plugin
PIP = (sys.executable, "-m", "pip")


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command; its output, or a failure that shows what it printed."""
    result = subprocess.run([str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def clean_checkout(destination: Path) -> Path:
    """The files git tracks, or would track (untracked but not ignored), as a fresh clone has them."""
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def app_environment(database: Path) -> dict[str, str]:
    """This process's environment without what points at the source tree or configures the test apps."""
    prefixes = ("WELFARE_", "PYTHON", "VIRTUAL_ENV", "FLASK_")
    env = {name: value for name, value in os.environ.items() if not name.startswith(prefixes)}
    env["WELFARE_DATABASE_URL"] = f"sqlite:///{database}"
    return env


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> Path:
    """The wheels of the app and of the provider plugins, built from a clean copy of the checkout."""
    checkout = clean_checkout(tmp_path_factory.mktemp("checkout"))
    wheelhouse = tmp_path_factory.mktemp("wheels")
    run(sys.executable, "-m", "build", "--outdir", wheelhouse, checkout, cwd=checkout)
    # the provider packages need only setuptools to build, which this venv has: no isolated build env
    plugins = sorted(path.parent for path in (checkout / "plugins").glob("*/pyproject.toml"))
    assert plugins, "no provider plugins in plugins/"
    options = ("--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", wheelhouse)
    run(*PIP, "wheel", *options, *plugins, cwd=checkout)
    return wheelhouse


@pytest.fixture(scope="module")
def visit(wheels, tmp_path_factory) -> dict:
    """Install the wheels into a new venv, load the demo data and visit the app; what the visit saw."""
    site = tmp_path_factory.mktemp("site")
    environment = venv.EnvBuilder(with_pip=False)
    environment.create(site / "venv")
    python = site / "venv" / "bin" / "python"
    flask = site / "venv" / "bin" / "flask"
    # this venv's pip installs into the new one; dependencies come from the index through the pip cache,
    # and modules are compiled when first imported rather than all of them now
    options = ("--quiet", "--no-input", "--no-compile", "--find-links", wheels)
    run(*PIP, "--python", python, "install", *options, *sorted(wheels.glob("*.whl")), cwd=site)
    database = site / "data" / "welfare.db"
    database.parent.mkdir()
    env = app_environment(database)
    upgrade = run(flask, "--app", "welfare_plans", "db", "upgrade", cwd=site, env=env)
    demo = run(flask, "--app", "welfare_plans", "demo", "load", cwd=site, env=env)
    pages = site / "pages"
    pages.mkdir()
    run(python, "-I", VISIT, pages, cwd=site, env=env)
    report = json.loads((pages / "report.json").read_text())
    return {**report, "site": site, "pages": pages, "database": database, "output": upgrade + demo}


def test_the_wheel_holds_templates_static_files_migrations_rules_and_compiled_catalogs(wheels):
    with zipfile.ZipFile(next(wheels.glob("welfare_plans-*.whl"))) as wheel:
        names = set(wheel.namelist())
    package = REPO / "welfare_plans"
    builtin_templates = [  # built-in plugins may keep their own templates/ folder
        p
        for p in (package / "builtin").rglob("*")
        if "templates" in p.relative_to(package).parts and p.is_file()
    ]
    expected = {
        *(
            f"welfare_plans/templates/{p.relative_to(REPO / 'templates')}"
            for p in (REPO / "templates").rglob("*.html")
        ),
        *(f"welfare_plans/{p.relative_to(package)}" for p in (package / "static").iterdir()),
        *(f"welfare_plans/{p.relative_to(package)}" for p in (package / "migrations").rglob("*.py")),
        *(f"welfare_plans/{p.relative_to(package)}" for p in (package / "builtin").rglob("*.json")),
        *(f"welfare_plans/{p.relative_to(package)}" for p in builtin_templates),
        *(f"welfare_plans/{p.relative_to(package)}" for p in (package / "provider_kit").rglob("*.tmpl")),
        *(
            f"welfare_plans/{p.relative_to(package).with_suffix('.mo')}"
            for p in (package / "translations").glob("*/LC_MESSAGES/*.po")
        ),
        "welfare_plans/migrations/script.py.mako",
    }
    assert len(expected) > 60
    assert expected - names == set()
    assert not any(name.startswith(("templates/", "tests/", "plugins/", "instance/")) for name in names)


def test_the_installed_wheel_migrates_loads_the_demo_and_serves_pages_and_a_pdf(visit):
    site_packages = Path(visit["package"]).parent.parent
    assert Path(visit["prefix"]) == visit["site"] / "venv"
    assert site_packages.name == "site-packages" and site_packages.is_relative_to(visit["site"] / "venv")
    assert Path(visit["template_folder"]) == site_packages / "welfare_plans" / "templates"
    # Flask's instance folder of an installed package, as docs/deployment.md says
    assert Path(visit["instance_path"]) == visit["site"] / "venv" / "var" / "welfare_plans-instance"
    assert visit["database_url"] == f"sqlite:///{visit['database']}" and visit["database"].stat().st_size > 0
    assert f"plan '{DEMO_PLAN_TITLE}' (final) created" in visit["output"]

    assert visit["status"] == {"catalog": 200, "sign_in": 302, "plans": 200, "overview": 200, "document": 200}
    catalog = (visit["pages"] / "catalog.html").read_text()
    assert "Catalogo dei servizi" in catalog  # Italian: the compiled catalogs were found
    assert DEMO_SERVICE in catalog  # the provider plugins were installed and synced
    assert DEMO_PLAN_TITLE in (visit["pages"] / "overview.html").read_text()

    content = (visit["pages"] / "plan.pdf").read_bytes()
    assert visit["document_type"] == "application/pdf" and content.startswith(b"%PDF")
    text = " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages
    )
    assert DEMO_PLAN_TITLE in text
