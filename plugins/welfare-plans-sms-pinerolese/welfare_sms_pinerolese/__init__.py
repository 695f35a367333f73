"""Società di Mutuo Soccorso Pinerolese: health plans and long-term-care cover in the province of Turin."""

from decimal import Decimal

from welfare_plans import (
    BeneficiaryGroup,
    DeliveryMode,
    DocumentSection,
    LegalForm,
    PriceUnit,
    Provider,
    ServiceType,
    Territory,
    hookimpl,
)

__version__ = "2.0.3"

PROVIDER_KEY = "sms-pinerolese"
PROVINCE_OF_TURIN = Territory(provinces=("001",))


@hookimpl
def register_providers():
    return [
        Provider(
            key=PROVIDER_KEY,
            name="Società di Mutuo Soccorso Pinerolese ETS",
            legal_form=LegalForm.MUTUAL_AID_SOCIETY,
            tax_id="94120010015",
            municipality="001191",
            address="Corso Torino 118, 10064 Pinerolo (TO)",
            email="soci@smspinerolese.example.org",
            phone="+39 0121 000 303",
            website="https://smspinerolese.example.org",
            applies_national_contract=True,
            has_safety_policy=True,
            description=(
                "Società di mutuo soccorso nata nel 1851, iscritta all'anagrafe dei fondi sanitari: piani "
                "sanitari integrativi, prevenzione e assistenza alla non autosufficienza."
            ),
            description_en=(
                "A mutual aid society founded in 1851 and registered as a health fund: supplementary health "
                "plans, prevention and long-term care."
            ),
        )
    ]


@hookimpl
def register_service_types():
    return [
        ServiceType(
            code="sms-pinerolese.health-plan",
            provider=PROVIDER_KEY,
            name="Piano sanitario integrativo per lavoratori",
            name_en="Supplementary health plan for workers",
            description=(
                "Rimborso di visite specialistiche, diagnostica, ticket e cure dentarie; rete di strutture "
                "convenzionate in provincia di Torino con pagamento diretto."
            ),
            description_en=(
                "Refunds of specialist visits, diagnostics, prescription charges and dental care; direct "
                "payment at partner clinics in the province of Turin."
            ),
            need_area="health",
            beneficiary_groups=(BeneficiaryGroup.WORKERS,),
            delivery_modes=(DeliveryMode.CONTRIBUTION,),
            price=Decimal("240.00"),
            unit=PriceUnit.YEAR,
            territory=PROVINCE_OF_TURIN,
        ),
        ServiceType(
            code="sms-pinerolese.family-health-plan",
            provider=PROVIDER_KEY,
            name="Estensione del piano sanitario al nucleo familiare",
            name_en="Health plan extended to the family",
            description="Le stesse prestazioni del piano lavoratori per coniuge e figli, quota per familiare.",
            description_en="The workers' plan for spouse and children, priced per family member.",
            need_area="health",
            beneficiary_groups=(BeneficiaryGroup.FAMILY_MEMBERS,),
            delivery_modes=(DeliveryMode.CONTRIBUTION,),
            price=Decimal("180.00"),
            unit=PriceUnit.YEAR,
            territory=PROVINCE_OF_TURIN,
        ),
        ServiceType(
            code="sms-pinerolese.retiree-health-plan",
            provider=PROVIDER_KEY,
            name="Piano sanitario per ex dipendenti",
            name_en="Health plan for former employees",
            description="Continuità di copertura dopo la pensione, senza nuovi periodi di carenza.",
            description_en="Continued cover after retirement, with no new waiting periods.",
            need_area="health",
            beneficiary_groups=(BeneficiaryGroup.FORMER_EMPLOYEES,),
            delivery_modes=(DeliveryMode.CONTRIBUTION,),
            price=Decimal("260.00"),
            unit=PriceUnit.YEAR,
            territory=PROVINCE_OF_TURIN,
        ),
        ServiceType(
            code="sms-pinerolese.prevention-checkup",
            provider=PROVIDER_KEY,
            name="Check-up di prevenzione",
            name_en="Prevention check-up",
            description="Esami del sangue, elettrocardiogramma e visita internistica in una mattina.",
            description_en="Blood tests, an ECG and a physician's examination in one morning.",
            need_area="health",
            beneficiary_groups=(
                BeneficiaryGroup.WORKERS,
                BeneficiaryGroup.FAMILY_MEMBERS,
                BeneficiaryGroup.FORMER_EMPLOYEES,
            ),
            delivery_modes=(DeliveryMode.IN_KIND, DeliveryMode.VOUCHER),
            price=Decimal("95.00"),
            unit=PriceUnit.SESSION,
            territory=PROVINCE_OF_TURIN,
        ),
        ServiceType(
            code="sms-pinerolese.ltc-cover",
            provider=PROVIDER_KEY,
            name="Copertura per la non autosufficienza",
            name_en="Long-term-care cover",
            description="Rendita mensile di 600 euro in caso di perdita dell'autosufficienza, a vita.",
            description_en="A lifelong monthly annuity of 600 euro if the member becomes dependent on care.",
            need_area="ltc_insurance",
            beneficiary_groups=(BeneficiaryGroup.WORKERS,),
            delivery_modes=(DeliveryMode.CONTRIBUTION,),
            price=Decimal("96.00"),
            unit=PriceUnit.YEAR,
            territory=PROVINCE_OF_TURIN,
        ),
    ]


TERMS = {
    "it": (
        "Condizioni delle coperture della Società di Mutuo Soccorso Pinerolese",
        "Le coperture decorrono dal primo giorno del mese successivo all'iscrizione, senza periodi di carenza "
        "per gli iscritti tramite un piano aziendale. Le richieste di rimborso si presentano entro 90 giorni "
        "dalla prestazione, allo sportello di Corso Torino 118 a Pinerolo o dall'area riservata.",
    ),
    "en": (
        "Coverage terms of the Pinerolo Mutual Aid Society",
        "Cover starts on the first day of the month after enrolment, with no waiting period for members "
        "enrolled through a company plan. Claims are made within 90 days of the treatment, at the office in "
        "Corso Torino 118, Pinerolo, or online.",
    ),
}


@hookimpl
def plan_document_sections(plan, language):
    """The society's coverage terms, in the plan document, when the plan includes its services."""
    from markupsafe import escape

    services = [item for item in plan.basket if item.service_code.startswith("sms-pinerolese.")]
    if not services:
        return []
    title, terms = TERMS.get(language, TERMS["it"])
    items = "".join(f"<li>{escape(item.name)}</li>" for item in services)
    return [DocumentSection(key="sms-pinerolese-terms", title=title, html=f"<p>{escape(terms)}</p><ul>{items}</ul>",
                            position=75)]  # fmt: skip
