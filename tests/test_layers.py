"""The layer rules in setup.cfg hold, and they would catch a change that breaks them.

``make test`` runs ``lint-imports`` too; this test shows the contracts are not vacuous: the same
configuration, run on a copy of the package with one forbidden import planted, reports it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "setup.cfg"), "--no-cache"],
        cwd=package_parent, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory) -> Path:
    parent = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        ROOT / "welfare_plans", parent / "welfare_plans", ignore=shutil.ignore_patterns("__pycache__")
    )
    return parent


def test_the_layer_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        ("domain/territory.py", "import flask  # noqa", "the domain imports neither Flask nor SQLAlchemy"),
        (
            "models/firms.py",
            "from .. import plans  # noqa",
            "web -> services -> models and domain, never back",
        ),
        (
            "builtin/italian_tax.py",
            "from ..web import labels  # noqa",
            "built-in plugins use the public contract",
        ),
        ("networks/policy.py", "def later():\n    from ..plans import kinds  # noqa", "web -> services"),
    ],
)
def test_a_planted_forbidden_import_breaks_its_contract(package_copy, module, planted, contract):
    path = package_copy / "welfare_plans" / module
    original = path.read_text()
    path.write_text(f"{original}\n{planted}\n")
    try:
        result = lint_imports(package_copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in " ".join(broken.split())
