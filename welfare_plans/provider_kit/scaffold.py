"""A new provider plugin to start from: an installable package whose tests pass as written.

The files are templates beside this module (``scaffold/``, ``$name`` placeholders): ``pyproject.toml``
with the ``welfare_plans`` entry point, the package with a provider, a service and a document section
rendered from its own template, and tests that use :mod:`welfare_plans.testing`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

from ..domain.territory import gazetteer
from ..version import __version__

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_SAFE_TEXT = re.compile(r'^[^"\\{}$\n\r]{1,120}$')  # goes into Python, TOML and Jinja text as it is


class ScaffoldError(ValueError):
    """The plugin cannot be written as asked; the message says why."""


@dataclass(frozen=True)
class NewPlugin:
    """A plugin package just written: its names and its files."""

    name: str  # the plugin's name: the entry point's, in `plugins list`, allow and block lists
    distribution: str  # what `pip install` takes
    package: str  # the Python package
    folder: Path
    files: tuple[Path, ...]


def new_plugin(
    name: str, parent: Path, *, provider_name: str | None = None, municipality: str = "001191"
) -> NewPlugin:
    """Write the package of the plugin ``name`` (lower-case words joined by dashes, ``coop-arcobaleno``)
    into ``parent/welfare-plans-<name>``; ``municipality`` is the ISTAT code of the sample provider's
    office and the place its sample service covers."""
    if not _NAME.match(name):
        raise ScaffoldError(
            f"{name!r}: a plugin's name is lower-case letters and digits, words joined by dashes (coop-arcobaleno)"
        )
    provider_name = provider_name or name.replace("-", " ").title()
    if not _SAFE_TEXT.match(provider_name):
        raise ScaffoldError(
            f"{provider_name!r}: a provider's name here has no quotes, backslashes, braces or $"
        )
    place = gazetteer().municipality(municipality)
    if place is None:
        raise ScaffoldError(f"{municipality!r} is not an ISTAT municipality code")
    package = "welfare_" + name.replace("-", "_")
    folder = Path(parent) / f"welfare-plans-{name}"
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists")
    values = {
        "plugin_name": name,
        "provider_key": name,
        "provider_name": provider_name,
        "distribution": f"welfare-plans-{name}",
        "package": package,
        "municipality": place.code,
        "municipality_name": place.name,
        "welfare_version": __version__,
    }
    written = []
    for template in sorted(SCAFFOLD.rglob("*.tmpl")):
        relative = template.relative_to(SCAFFOLD).with_suffix("")  # without .tmpl
        parts = [package if part == "package" else part for part in relative.parts]
        if parts == ["tests", "test_plugin.py"]:
            parts[-1] = f"test_{package}.py"
        target = folder.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            string.Template(template.read_text(encoding="utf-8")).substitute(values), encoding="utf-8"
        )
        written.append(target)
    return NewPlugin(name, values["distribution"], package, folder, tuple(written))
