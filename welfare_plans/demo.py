"""Demonstration data for ``make run``: safe to load any number of times.

A metalworking firm of Pinerolo with an HR manager and a final 2026 plan that uses the three provider
plugins' services. The accounts are published in README.md and exist only where demo data is loaded.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask
from sqlalchemy import func, select

from . import CONTRIBUTIONS_KEY
from . import plans as plan_service
from .accounts import add_membership, create_user, find_user, utcnow
from .catalog import sync_catalog
from .db import db_session
from .models import CatalogService, Firm, PlanFunding, PlanPartner, WorkerCategory
from .plugins import get_plugins

DEMO_ADMIN = {"email": "admin@example.org", "name": "Amministratrice Demo", "password": "demo-admin-2026"}
DEMO_HR = {"email": "hr@example.org", "name": "Giulia Ferrero", "password": "demo-hr-2026"}
DEMO_VIEWER = {"email": "viewer@example.org", "name": "Marco Bounous", "password": "demo-viewer-2026"}
DEMO_FIRM_VAT = "05432100013"

BASKET = [  # service code, for whom, quantity
    ("il-sentiero.home-care", "family_members", Decimal("200")),
    ("girotondo.nursery-full-time", "family_members", Decimal("20")),
    ("girotondo.summer-camp", "family_members", Decimal("30")),
    ("sms-pinerolese.health-plan", "workers", Decimal("40")),
    ("sms-pinerolese.ltc-cover", "workers", Decimal("15")),
]


def load_demo(app: Flask) -> list[str]:
    session = db_session()
    sync_catalog(session, app.extensions[CONTRIBUTIONS_KEY])
    offered = session.scalar(
        select(func.count()).select_from(CatalogService).where(CatalogService.withdrawn_at.is_(None))
    )
    lines = [f"catalog: {offered} services offered"]
    _user(session, DEMO_ADMIN, admin=True, lines=lines)
    hr = _user(session, DEMO_HR, lines=lines)
    viewer = _user(session, DEMO_VIEWER, lines=lines)
    firm = session.scalar(select(Firm).where(Firm.vat_number == DEMO_FIRM_VAT))
    if firm is None:
        firm = _firm(session)
        add_membership(session, hr, firm.id, "hr_manager")
        add_membership(session, viewer, firm.id, "viewer")
        session.commit()
        plan = _final_plan(app, session, firm, hr)
        lines.append(f"firm {firm.legal_name} with plan '{plan.title}' ({plan.status}) created")
    else:
        lines.append(f"firm {firm.legal_name} already there")
    return lines


def _user(session, data: dict, *, lines: list[str], admin: bool = False):
    user = find_user(session, data["email"])
    if user is None:
        user = create_user(session, admin=admin, **data)
        lines.append(f"account {data['email']} created")
    return user


def _firm(session) -> Firm:
    firm = Firm(
        legal_name="Officine Meccaniche Val Chisone S.r.l.",
        vat_number=DEMO_FIRM_VAT,
        ateco_code="25.62.00",
        size_class="medium",
        municipality_code="001191",
        national_contract="CCNL Metalmeccanica industria",
        has_union_representation=True,
        created_at=utcnow(),
        categories=[
            WorkerCategory(name="Operai", headcount=38, position=0),
            WorkerCategory(name="Impiegati", headcount=12, position=1),
            WorkerCategory(name="Quadri", headcount=3, position=2),
            # one executive: the tax rules warn that a one-person category looks like an ad personam benefit
            WorkerCategory(name="Dirigenti", headcount=1, position=3),
        ],
    )
    session.add(firm)
    session.flush()
    return firm


def _final_plan(app: Flask, session, firm: Firm, hr):
    plan = plan_service.create_plan(session, firm, hr, "Piano di welfare aziendale 2026", 2026)
    plan.period_start, plan.period_end = date(2026, 1, 1), date(2026, 12, 31)
    plan.legal_basis = "company_agreement"
    plan.agreement_reference = "Accordo aziendale del 10 dicembre 2025 con la RSU FIOM-CGIL e FIM-CISL"
    plan.objectives = (
        "Sostenere i lavoratori e le loro famiglie nella cura dei figli e dei familiari anziani, e "
        "rafforzare la tutela della salute, con servizi di cooperative e società di mutuo soccorso del Pinerolese."
    )
    plan.needs = ["health", "elderly_care", "childcare_education", "ltc_insurance"]
    plan.territory_municipalities = ["001191", "001254", "001139"]
    plan.include_family, plan.family_count = True, 45
    for category in plan.categories:
        category.credit_per_worker = Decimal("600")
    plan.funding = [
        PlanFunding(position=0, kind="employer", amount=Decimal("26400"), note="Stanziamento aziendale"),
        PlanFunding(
            position=1, kind="productivity_bonus", amount=Decimal("6000"), note="Conversione PdR 2025"
        ),
    ]
    for code, group, quantity in BASKET:
        service = session.scalar(select(CatalogService).where(CatalogService.code == code))
        if service is not None:
            plan_service.add_service(plan, service, group, quantity)
    plan.steering_committee = (
        "Comitato paritetico di quattro membri (due aziendali, due della RSU), riunito ogni trimestre per "
        "verificare l'uso dei servizi e proporre modifiche."
    )
    plan.partners = [
        PlanPartner(position=0, name="RSU FIOM-CGIL e FIM-CISL", kind="union", role="Parte firmataria dell'accordo", signatory=True),
        PlanPartner(position=1, name="Officine Meccaniche Val Chisone S.r.l.", kind="other", role="Datore di lavoro", signatory=True),
        PlanPartner(position=2, name="Comune di Pinerolo", kind="municipality", role="Partner per i servizi sociali"),
    ]  # fmt: skip
    session.flush()
    problems = plan_service.check_plan(get_plugins(app), plan_service.to_domain(plan))
    plan_service.finalise(session, plan, hr, problems)
    session.commit()
    return plan
