"""Testing a plugin: helpers, and a pytest plugin whose fixtures every test of yours can take.

Installing welfare-plans registers this module with pytest (the ``pytest11`` entry point). Tell it which
plugin is yours in your ``tests/conftest.py``::

    import pytest
    import my_provider

    @pytest.fixture
    def welfare_plugin():
        return my_provider

Then, in a test:

- ``welfare_app``: the app with your plugin loaded as it would be in production (its entry point when the
  package is installed, otherwise registered under ``welfare_plugin_name``), the built-ins, no other
  plugin, strict: any problem with your plugin fails the fixture with the app's own message;
- ``sample_plan``: :func:`sample_plan`, a valid plan with keyword overrides, for ``validate_plan`` and
  ``plan_document_sections`` tests; :func:`basket_item` puts one of your services in its basket;
- ``render_section``: ``render_section(plan, key)`` renders the plan's document sections in the app, as
  the document does, and returns the one with that key;
- :func:`validate_plugin` and :func:`plan_problems`: your contributions and your checks, as the app
  validates and runs them.

::

    from welfare_plans.testing import basket_item, validate_plugin

    def test_every_contribution_is_accepted(welfare_plugin):
        assert validate_plugin(welfare_plugin).problems == []

    def test_my_terms_join_the_document(welfare_app, sample_plan, render_section):
        plan = sample_plan(basket=[basket_item(service_code="coop-x.home-care", need_area="elderly_care")])
        assert "Condizioni" in render_section(plan, "coop-x-terms").html
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale

from . import create_app
from .catalog import collect, set_contributions
from .documents import collect_sections
from .domain.contributions import Contributions
from .domain.document import DocumentSection
from .domain.plan import (
    BasketItem,
    CategoryBudget,
    FundingKind,
    FundingSource,
    LegalBasis,
    PlanProblem,
    WelfarePlan,
    budget_of,
)
from .plans import check_plan
from .plugins import ENTRY_POINT_GROUP, PluginError, PluginRecord, get_plugins
from .provider_kit import as_plugin, validate
from .types import BeneficiaryGroup, ServiceType, Territory

PLUGIN_UNDER_TEST = "plugin-under-test"
PINEROLO = "001191"

__all__ = [
    "basket_item",
    "document_section",
    "document_sections",
    "installed_name",
    "plan_problems",
    "plugin_app",
    "sample_plan",
    "validate_plugin",
]


def validate_plugin(plugin: object, name: str = PLUGIN_UNDER_TEST) -> Contributions:
    """Run a plugin's ``register_*`` hooks and the core's validation exactly as the app does at startup,
    with the built-ins; return what was accepted and, as ``problems``, everything wrong with the plugin.

    ``plugin`` is a module or object with hooks, a data package, or the path of a ``.toml`` data file.
    The problems are those the app records on the plugin: hooks that do not exist, a hook that raised,
    and every invalid item, each naming the field.
    """
    return validate(plugin, name)


def installed_name(plugin: object) -> str | None:
    """The name of the ``welfare_plans`` entry point that loads ``plugin``, when it is installed."""
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            if entry_point.load() is plugin:
                return entry_point.name
        except Exception:  # noqa: BLE001, S112 - someone else's broken package is not ours to report
            continue
    return None


def plugin_app(plugin: object, name: str, folder: Path, **config: Any) -> Flask:
    """An app with the built-ins and ``plugin`` alone, its database and documents in ``folder``.

    Installed under the entry point ``name``, the plugin is loaded through it, as in production;
    otherwise it is registered under ``name``. Strict: a problem with the plugin raises
    :class:`welfare_plans.plugins.PluginError` with the app's messages. The database is empty (no
    tables): tests of hooks need none.
    """
    folder.mkdir(parents=True, exist_ok=True)
    entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP, name=name)
    installed = bool(entry_points)
    if installed and next(iter(entry_points)).load() is not plugin:
        raise RuntimeError(
            f"the installed plugin {name} is not the plugin under test: install yours with pip install -e ."
        )
    settings = {
        "TESTING": True,
        "SECRET_KEY": "tests-only",
        "DATABASE_URL": f"sqlite:///{folder / 'welfare.db'}",
        "DOCUMENTS_DIR": str(folder / "documents"),
        "PLUGINS_DIR": "",
        "PLUGINS_ALLOWED": [name] if installed else [],
        "PLUGINS_STRICT": True,
        "CATALOG_SYNC_ON_STARTUP": False,
        **config,
    }
    app = create_app(settings)
    if not installed:
        plugins = get_plugins(app)
        record = PluginRecord(name, "local", version=getattr(plugin, "__version__", None))
        plugins.register(record, as_plugin(plugin))
        set_contributions(app, collect(plugins))
        if record.problems and settings["PLUGINS_STRICT"]:
            raise PluginError(record.problems)
    return app


def sample_plan(**overrides: Any) -> WelfarePlan:
    """A complete firm's plan for 2026 that the built-in checks accept (an empty basket is only a
    warning), with any field of :class:`welfare_plans.WelfarePlan` overridden by keyword.

    Ten employees with 1,000 euro each, funded by the employer, in Pinerolo, under a binding regulation.
    Funding follows the categories unless you give ``funding``; a basket holding services for family
    members, former employees or citizens includes those groups (8, 2 and 20 people) unless you give
    their counts. Lists are accepted where the plan holds tuples.
    """
    fields = {field.name for field in dataclasses.fields(WelfarePlan)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise TypeError(
            f"WelfarePlan has no field {', '.join(unknown)} (its fields: {', '.join(sorted(fields))})"
        )
    values: dict[str, Any] = {
        "title": "Piano di welfare aziendale 2026",
        "fiscal_year": 2026,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 12, 31),
        "legal_basis": LegalBasis.REGULATION_BINDING,
        "objectives": "Sostenere la conciliazione tra lavoro e cura della famiglia.",
        "needs": ("health", "elderly_care", "childcare_education"),
        "territory": Territory(municipalities=(PINEROLO,)),
        "categories": (CategoryBudget("Impiegati", 10, True, Decimal("1000.00")),),
        "family_count": None,
        "former_count": None,
        "citizens_count": None,
        "funding": None,
        "basket": (),
        "partners": (),
        "firm_name": "Officine Pinerolesi S.r.l.",
        "firm_vat_number": "10765430011",
        "firm_municipality": PINEROLO,
    }
    values.update(overrides)
    for name in ("needs", "categories", "funding", "basket", "partners", "annexes"):
        if isinstance(values.get(name), list):
            values[name] = tuple(values[name])
    if values["funding"] is None:
        values["funding"] = (FundingSource(FundingKind.EMPLOYER, budget_of(values["categories"])),)
    in_basket = {item.beneficiary_group for item in values["basket"]}
    for group, field, people in (
        (BeneficiaryGroup.FAMILY_MEMBERS, "family_count", 8),
        (BeneficiaryGroup.FORMER_EMPLOYEES, "former_count", 2),
        (BeneficiaryGroup.CITIZENS, "citizens_count", 20),
    ):
        if group in in_basket and field not in overrides:
            values[field] = people
    return WelfarePlan(**values)


def basket_item(
    service: ServiceType | None = None,
    *,
    quantity: Decimal | int | str = 1,
    beneficiary_group: BeneficiaryGroup | str | None = None,
    **overrides: Any,
) -> BasketItem:
    """A line of a plan's basket: one of your services as a plan holds it once added, or a sample.

    From ``service`` (a :class:`welfare_plans.ServiceType`) it copies the code, name, need area, price,
    unit, groups, delivery modes, territory and ``extra["tax_basis"]``, as the app does; ``provider`` is
    the provider's name in a plan, so it is the service's provider key unless you override it. Without a
    service, a home-care service in Pinerolo at 20 euro an hour. ``beneficiary_group`` defaults to the
    service's first group; any other field of :class:`welfare_plans.BasketItem` can be overridden.
    """
    if service is not None:
        groups = tuple(str(group) for group in service.beneficiary_groups)
        values: dict[str, Any] = {
            "service_code": service.code,
            "name": service.name,
            "provider": service.provider,
            "need_area": service.need_area,
            "price": Decimal(str(service.price)),
            "unit": str(service.unit),
            "beneficiary_groups": groups,
            "delivery_modes": tuple(str(mode) for mode in service.delivery_modes),
            "territory": service.territory,
            "declared_tax_basis": (service.extra or {}).get("tax_basis"),
        }
    else:
        groups = (BeneficiaryGroup.WORKERS.value, BeneficiaryGroup.FAMILY_MEMBERS.value)
        values = {
            "service_code": "sample.home-care",
            "name": "Assistenza domiciliare",
            "provider": "Cooperativa di esempio",
            "need_area": "elderly_care",
            "price": Decimal("20.00"),
            "unit": "hour",
            "beneficiary_groups": groups,
            "delivery_modes": ("in_kind", "voucher"),
            "territory": Territory(municipalities=(PINEROLO,)),
        }
    values["quantity"] = Decimal(str(quantity))
    values["beneficiary_group"] = BeneficiaryGroup(beneficiary_group or groups[0])
    values.update(overrides)
    return BasketItem(**values)


def plan_problems(app: Flask, plan: WelfarePlan) -> list[PlanProblem]:
    """Every problem every ``validate_plan`` of ``app`` finds in ``plan``, errors first, each with the name
    of the plugin that found it (``problem.plugin``): what the review page shows. The checks run inside
    a request of ``app``, as they do when a page asks for them (the tax rules read the app's data)."""
    with app.test_request_context():
        return check_plan(get_plugins(app), plan)


def document_sections(
    app: Flask, plan: WelfarePlan, language: str = "it", annex_of: str | None = None
) -> list[DocumentSection]:
    """The sections of the plan's document (or of a member firm's annex, ``annex_of``), rendered in
    ``app`` as the document renders them: inside a request, gettext speaking ``language``."""
    with app.test_request_context(), force_locale(language):
        return collect_sections(app, plan, language, annex_of)


def document_section(
    app: Flask, plan: WelfarePlan, key: str, language: str = "it", annex_of: str | None = None
) -> DocumentSection:
    """The section ``key`` of the plan's document as :func:`document_sections` renders it; LookupError,
    naming the keys there are, when no plugin contributed it."""
    sections = document_sections(app, plan, language, annex_of)
    for section in sections:
        if section.key == key:
            return section
    raise LookupError(
        f"no section {key!r} in the document; its sections: {', '.join(s.key for s in sections)}"
    )


# -- the pytest plugin --------------------------------------------------------------------------------


@pytest.fixture
def welfare_plugin() -> object:
    """Your plugin: define this fixture in your ``conftest.py``, returning your module or data package."""
    raise pytest.UsageError(
        "welfare_plans.testing: define a fixture welfare_plugin in your conftest.py that returns your plugin"
    )


@pytest.fixture
def welfare_plugin_name(welfare_plugin: object) -> str:
    """Your plugin's name: its entry point's when it is installed; override it to name it yourself (your
    templates are found under this name)."""
    return installed_name(welfare_plugin) or PLUGIN_UNDER_TEST


@pytest.fixture
def welfare_app(welfare_plugin: object, welfare_plugin_name: str, tmp_path: Path) -> Iterator[Flask]:
    """The app with the built-ins and your plugin alone (see :func:`plugin_app`)."""
    app = plugin_app(welfare_plugin, welfare_plugin_name, tmp_path / "welfare-app")
    yield app
    app.extensions["welfare_plans.db"].engine.dispose()


@pytest.fixture(name="sample_plan")
def sample_plan_fixture() -> Callable[..., WelfarePlan]:
    """:func:`sample_plan`, the factory of valid plans with keyword overrides."""
    return sample_plan


@pytest.fixture
def render_section(welfare_app: Flask) -> Callable[..., DocumentSection]:
    """``render_section(plan, key, language="it", annex_of=None)``: the section ``key`` of the plan's
    document, rendered in ``welfare_app`` (see :func:`document_section`)."""

    def render(
        plan: WelfarePlan, key: str, language: str = "it", annex_of: str | None = None
    ) -> DocumentSection:
        return document_section(welfare_app, plan, key, language, annex_of)

    return render
