"""Demonstration data for ``make run``: safe to load any number of times.

A metalworking firm of Pinerolo with an HR manager and a final 2026 plan that uses the three provider
plugins' services; and a territorial pact of nine Pinerolese firms (that one among them) with a coordinator
and a joint 2026 plan, every member's part filled in. The accounts are published in README.md and exist
only where demo data is loaded.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask
from sqlalchemy import func, select

from . import networks
from . import plans as plan_service
from .accounts import HR_MANAGER, VIEWER, add_membership, create_user, find_user, utcnow
from .catalog import sync_contributions
from .db import db_session
from .models import (
    CatalogService,
    Firm,
    Network,
    PartCategory,
    PartFunding,
    PlanFunding,
    PlanPartner,
    WorkerCategory,
)
from .plugins import get_plugins

DEMO_ADMIN = {"email": "admin@example.org", "name": "Amministratrice Demo", "password": "demo-admin-2026"}
DEMO_HR = {"email": "hr@example.org", "name": "Giulia Ferrero", "password": "demo-hr-2026"}
DEMO_VIEWER = {"email": "viewer@example.org", "name": "Marco Bounous", "password": "demo-viewer-2026"}
DEMO_COORDINATOR = {
    "email": "coordinator@example.org",
    "name": "Elena Bertalot",
    "password": "demo-coord-2026",
}
DEMO_FIRM_VAT = "05432100013"
DEMO_NETWORK = "Patto per il welfare territoriale del Pinerolese"
# the other member firms: name, VAT number, municipality, (category, headcount, credit per worker)...
NETWORK_FIRMS = [
    ("Tessitura Val Pellice S.n.c.", "09876540015", "001275", (("Operai", 14, 400), ("Impiegati", 3, 400))),
    ("Falegnameria Bricherasio S.r.l.", "08765430015", "001035", (("Operai", 9, 350), ("Impiegati", 2, 350))),
    ("Caseificio Cavourese S.r.l.", "07654320014", "001070", (("Operai", 22, 500), ("Impiegati", 6, 500))),
    ("Trasporti Cumiana S.r.l.", "06543210014", "001097", (("Autisti", 31, 450), ("Impiegati", 5, 450))),
    (
        "Meccanica Perosina S.p.A.",
        "05432190014",
        "001184",
        (("Operai", 64, 600), ("Impiegati", 18, 600), ("Quadri", 4, 800)),
    ),
    ("Studio Tecnico Associato Pinerolese", "04321980015", "001191", (("Impiegati", 7, 300),)),
    ("Panificio Luserna S.n.c.", "03219870015", "001139", (("Operai", 6, 250), ("Apprendisti", 2, 250))),
    (
        "Alberghi Villar Perosa S.r.l.",
        "02198760015",
        "001307",
        (("Stagionali", 12, 200), ("Personale fisso", 8, 400)),
    ),
]
PACT_MUNICIPALITIES = [
    "001191",
    "001254",
    "001139",
    "001275",
    "001035",
    "001070",
    "001097",
    "001184",
    "001307",
]
SHARED_BASKET = [  # service code, for whom
    ("sms-pinerolese.health-plan", "workers"),
    ("sms-pinerolese.prevention-checkup", "workers"),
    ("il-sentiero.home-care", "family_members"),
    ("il-sentiero.caregiver-desk", "workers"),
    ("girotondo.summer-camp", "family_members"),
    ("girotondo.after-school", "family_members"),
]

BASKET = [  # service code, for whom, quantity
    ("il-sentiero.home-care", "family_members", Decimal("200")),
    ("girotondo.nursery-full-time", "family_members", Decimal("20")),
    ("girotondo.summer-camp", "family_members", Decimal("30")),
    ("sms-pinerolese.health-plan", "workers", Decimal("40")),
    ("sms-pinerolese.ltc-cover", "workers", Decimal("15")),
]


def load_demo(app: Flask) -> list[str]:
    session = db_session()
    sync_contributions(app, session)
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
        add_membership(session, hr, firm.id, HR_MANAGER)
        add_membership(session, viewer, firm.id, VIEWER)
        session.commit()
        plan = _final_plan(app, session, firm, hr)
        lines.append(f"firm {firm.legal_name} with plan '{plan.title}' ({plan.status}) created")
    else:
        lines.append(f"firm {firm.legal_name} already there")
    coordinator = _user(session, DEMO_COORDINATOR, lines=lines)
    if session.scalar(select(Network).where(Network.name == DEMO_NETWORK)) is None:
        plan = _network(app, session, coordinator, firm, hr)
        lines.append(
            f"network '{DEMO_NETWORK}' with {len(plan.parts)} member firms and joint plan '{plan.title}' created"
        )
    else:
        lines.append(f"network '{DEMO_NETWORK}' already there")
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


def _network(app: Flask, session, coordinator, demo_firm: Firm, hr):
    """The pact, its member firms (all accepted), a joint 2026 plan and every member's part."""
    network = networks.create_network(
        session,
        coordinator,
        name=DEMO_NETWORK,
        kind="territorial_pact",
        coordinating_body="Società di Mutuo Soccorso di Pinerolo",
        description=(
            "Patto tra imprese, Società di Mutuo Soccorso, cooperative sociali e Comuni del Pinerolese e delle "
            "valli olimpiche per servizi di welfare comuni ai lavoratori delle piccole imprese del territorio."
        ),
        municipalities=PACT_MUNICIPALITIES,
    )
    members = [(demo_firm, [(c.name, c.headcount, 300) for c in demo_firm.categories])]
    for name, vat, municipality, categories in NETWORK_FIRMS:
        firm = session.scalar(select(Firm).where(Firm.vat_number == vat))
        if firm is None:
            firm = Firm(legal_name=name, vat_number=vat, municipality_code=municipality, created_at=utcnow(),
                        categories=[WorkerCategory(name=c, headcount=h, position=i) for i, (c, h, _) in enumerate(categories)])  # fmt: skip
            session.add(firm)
            session.flush()
        members.append((firm, categories))
    for firm, _categories in members:
        networks.invite(session, network, firm, coordinator)
        networks.respond(session, network, firm.id, hr if firm is demo_firm else coordinator, accept=True)
    plan = plan_service.create_joint_plan(
        session, network, coordinator, "Piano di welfare territoriale 2026", 2026
    )
    plan.agreement_reference = "Accordo territoriale del Pinerolese del 15 gennaio 2026 con CGIL, CISL e UIL"
    plan.objectives = (
        "Offrire ai lavoratori delle piccole imprese del Pinerolese e alle loro famiglie servizi di cura, salute "
        "e conciliazione che da sole non potrebbero organizzare, acquistandoli insieme da fornitori del territorio."
    )
    plan.needs = ["health", "elderly_care", "childcare_education"]
    plan.open_to_member_employees = True
    plan.include_family, plan.family_count = True, 180
    for code, group in SHARED_BASKET:
        service = session.scalar(select(CatalogService).where(CatalogService.code == code))
        if service is not None:
            plan_service.add_service(plan, service, group)
    plan.steering_committee = (
        "Cabina di regia del patto: un rappresentante per impresa, la Società di Mutuo Soccorso, le organizzazioni "
        "sindacali firmatarie e il Comune di Pinerolo; si riunisce ogni quattro mesi."
    )
    plan.partners = [
        PlanPartner(position=0, name="CGIL, CISL e UIL di Torino", kind="union", role="Firmatarie dell'accordo territoriale", signatory=True),
        PlanPartner(position=1, name="Comune di Pinerolo", kind="municipality", role="Promotore del patto"),
        PlanPartner(position=2, name="Società di Mutuo Soccorso di Pinerolo", kind="third_sector", role="Coordinamento del patto", signatory=True),
    ]  # fmt: skip
    session.flush()
    codes = [item.service_code for item in plan.items]
    for index, (firm, categories) in enumerate(members):
        part = networks.start_part(session, plan, firm, coordinator)
        part.categories = [PartCategory(position=i, name=c, headcount=h, included=True, credit_per_worker=Decimal(credit))
                           for i, (c, h, credit) in enumerate(categories)]  # fmt: skip
        budget = sum(Decimal(h * credit) for _c, h, credit in categories)
        workers = sum(h for _c, h, _credit in categories)
        part.funding = [
            PartFunding(position=0, kind="employer", amount=budget, note="Stanziamento aziendale")
        ]
        # each firm offers a different selection: health for everybody, the rest in turn
        wanted = {
            code: (position == 0 or (index + position) % 3 != 0, max(1, workers // (position + 1)))
            for position, code in enumerate(codes)
        }
        # the checks want the basket within the budget: scale down the quantities of a firm that offers too much
        prices = {item.service_code: item.price for item in plan.items}
        total = sum(prices[code] * people for code, (offered, people) in wanted.items() if offered)
        scale = min(Decimal("1"), budget / total) if total else Decimal("1")
        networks.set_choices(plan, part, {
            code: (offered, people, (Decimal(people) * scale).quantize(Decimal("1"), rounding="ROUND_DOWN"))
            for code, (offered, people) in wanted.items()
        })  # fmt: skip
    session.commit()
    return plan
