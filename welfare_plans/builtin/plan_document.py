"""The sections every Italian welfare plan regulation has, contributed through ``plan_document_sections``.

Each section is a template of this plugin, in ``templates/plan_document/`` (addressed as
``"plan_document/<section>.html"``); autoescaping covers every value the user typed. The order follows
the structure of a plan in the domain reference.
"""

from __future__ import annotations

import base64

from flask import render_template
from flask_babel import lazy_gettext as _l

from ..charts import bar_chart
from ..domain.document import DocumentSection
from ..domain.plan import WelfarePlan
from ..hookspecs import hookimpl
from ..labels import beneficiary_group_label, need_area_label

template_folder = "templates/plan_document"

SECTIONS = [
    ("preamble", _l("Preamble and legal basis")),
    ("purpose", _l("Purpose and objectives")),
    ("beneficiaries", _l("Scope and beneficiaries")),
    ("definitions", _l("Definitions")),
    ("duration", _l("Duration and validity")),
    ("budget", _l("Budget and funding")),
    ("basket", _l("Basket of services")),
    ("usage", _l("How benefits are used")),
    ("hires", _l("New hires, leavers and unused credit")),
    ("governance", _l("Governance and partners")),
    ("privacy", _l("Privacy, changes and communication")),
    ("signatures", _l("Signatures")),
]


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@hookimpl
def plan_document_sections(plan: WelfarePlan, language: str, annex_of: str | None) -> list[DocumentSection]:
    if annex_of is not None:  # one member firm's annex, printed on its own
        return annex_sections(plan, language, only=annex_of)
    charts = {
        "need_areas": _svg_data_uri(
            bar_chart(str(_l("Basket by need area")),
                      {need_area_label(code): amount for code, amount in plan.basket_by_need_area().items()})
        ),
        "groups": _svg_data_uri(
            bar_chart(str(_l("Basket by beneficiary group")),
                      {beneficiary_group_label(code): amount for code, amount in plan.basket_by_group().items()})
        ),
    } if plan.basket else {}  # fmt: skip
    sections = [
        DocumentSection(
            key=key,
            title=str(title),
            html=render_template(f"plan_document/{key}.html", plan=plan, charts=charts, language=language),
            position=10 * (index + 1),
        )
        for index, (key, title) in enumerate(SECTIONS)
    ]
    if plan.is_joint:
        sections.append(
            DocumentSection(
                key="network",
                title=str(_l("The network and its member firms")),
                html=render_template("plan_document/network.html", plan=plan, language=language),
                position=35,
            )
        )
        sections.extend(annex_sections(plan, language))
    return sections


def annex_sections(plan: WelfarePlan, language: str, only: str | None = None) -> list[DocumentSection]:
    """One section per member firm of a joint plan, after every other section; with ``only`` (a VAT
    number), that firm's annex printed on its own, which then says which plan it belongs to."""
    return [
        DocumentSection(
            key=f"annex-{annex.vat_number}",
            title=str(_l("Annex %(number)d: %(firm)s", number=number, firm=annex.firm_name)),
            html=render_template(
                "plan_document/annex.html",
                plan=plan,
                annex=annex,
                alone=only is not None,
                language=language,
            ),
            position=1000 + number,
        )
        for number, annex in enumerate(plan.annexes, start=1)
        if only is None or annex.vat_number == only
    ]
