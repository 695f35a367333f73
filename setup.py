"""Packaging steps setup.cfg cannot declare: the top-level templates/ and the compiled catalogs in the wheel.

The repository keeps the Jinja templates in ``templates/`` beside the package. A wheel has no "beside",
so the folder is mapped to the package ``welfare_plans.templates`` and lands in
``welfare_plans/templates/`` of the installed package, where ``create_app`` looks first. The translation
catalogs (``.po``) are compiled to ``.mo`` into the build directory, so a wheel built from a clean
checkout is translated without ``make translations``. An editable install reads both from the source tree.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    """``build_py`` that also compiles ``welfare_plans/translations/*/LC_MESSAGES/*.po`` into the build."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:  # an editable install uses the catalogs `make translations` compiles
            for po in sorted(
                Path(self.build_lib, "welfare_plans", "translations").glob("*/LC_MESSAGES/*.po")
            ):
                self.compile_catalog(po)

    def compile_catalog(self, po: Path) -> None:
        """Write ``po``'s ``.mo`` beside it, leaving out fuzzy entries as ``pybabel compile`` does."""
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        errors = [f"{message.id!r}: {error}" for message, problems in catalog.check() for error in problems]
        if errors:
            raise SystemExit(f"{po}: {'; '.join(errors)}")
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        self.announce(f"compiled {po} to {mo.name}", level=2)


TEMPLATE_PACKAGES = [
    "welfare_plans.templates",
    *(f"welfare_plans.templates.{name}" for name in find_namespace_packages("templates")),
]

setup(
    packages=[*find_namespace_packages(include=["welfare_plans", "welfare_plans.*"]), *TEMPLATE_PACKAGES],
    package_dir={"welfare_plans.templates": "templates"},
    cmdclass={"build_py": BuildWithCatalogs},
)
