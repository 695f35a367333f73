"""welfare-plans: compose territorial corporate welfare plans with local providers.

Plugins import what they need from here: :data:`hookimpl`, the value types of the contract and its
version, :data:`CONTRACT_VERSION`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from .domain.document import DocumentSection, RenderedDocument
from .domain.network import MemberAnnex, MemberChoice
from .domain.plan import (
    BasketItem,
    CategoryBudget,
    FundingKind,
    FundingSource,
    LegalBasis,
    NewHiresRule,
    Partner,
    PartnerKind,
    PlanProblem,
    Severity,
    UnusedCreditRule,
    WelfarePlan,
)
from .domain.territory import find_places, istat_code
from .hookspecs import CONTRACT_VERSION, ContractDeprecationWarning, hookimpl
from .labels import (
    beneficiary_group_label,
    delivery_mode_label,
    legal_form_label,
    need_area_label,
    price_unit_label,
)
from .markup import render_markup
from .types import (
    BeneficiaryGroup,
    DeliveryMode,
    LegalForm,
    NeedArea,
    PagePanel,
    PriceUnit,
    Provider,
    ServiceType,
    Territory,
)
from .version import __version__

__all__ = [
    "BasketItem",
    "BeneficiaryGroup",
    "CategoryBudget",
    "CONTRACT_VERSION",
    "ContractDeprecationWarning",
    "DocumentSection",
    "FundingKind",
    "FundingSource",
    "LegalBasis",
    "MemberAnnex",
    "MemberChoice",
    "NewHiresRule",
    "Partner",
    "PartnerKind",
    "PlanProblem",
    "RenderedDocument",
    "Severity",
    "UnusedCreditRule",
    "WelfarePlan",
    "DeliveryMode",
    "LegalForm",
    "NeedArea",
    "PagePanel",
    "PriceUnit",
    "Provider",
    "ServiceType",
    "Territory",
    "__version__",
    "beneficiary_group_label",
    "create_app",
    "delivery_mode_label",
    "find_places",
    "hookimpl",
    "istat_code",
    "legal_form_label",
    "need_area_label",
    "price_unit_label",
    "render_markup",
]


def _template_folder() -> Path:
    """The Jinja templates: in the package when installed from a wheel, beside it in a source tree.

    setup.py ships the top-level ``templates/`` as ``welfare_plans/templates/``; an editable install and
    the test suite read ``templates/`` where the repository keeps it.
    """
    package = Path(__file__).resolve().parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application.

    Configuration comes from the package defaults, then ``instance/config.py`` and ``WELFARE_*``
    environment variables; tests pass ``test_config`` instead of both.
    """
    from . import catalog, cli, config, documents, i18n, jobs, web
    from .db import Database
    from .plugins import EXTENSION_KEY, PluginError, build_plugins

    app = Flask(__name__, instance_relative_config=True, template_folder=str(_template_folder()))
    app.config.from_mapping(config.DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("WELFARE")
    else:
        app.config.from_mapping(test_config)
    config.finish(app)

    database = Database(app)
    jobs.init_app(app)
    documents.init_app(app)  # registers the document jobs
    plugins = build_plugins(app.config, __version__)
    app.extensions[EXTENSION_KEY] = plugins
    catalog.set_contributions(app, catalog.collect(plugins, database.engine))
    if app.config["PLUGINS_STRICT"] and plugins.problems:
        raise PluginError(plugins.problems)

    i18n.init_app(app)
    plugins.add_templates_to(app)
    web.init_app(app)
    cli.init_app(app)

    catalog.install_startup_sync(app)  # before the first request served, never for a command
    return app
