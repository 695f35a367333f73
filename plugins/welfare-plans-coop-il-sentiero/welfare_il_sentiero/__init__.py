"""Il Sentiero Società Cooperativa Sociale: elderly care and disability support in the Pinerolese."""

from decimal import Decimal

from welfare_plans import (
    BeneficiaryGroup,
    DeliveryMode,
    LegalForm,
    PriceUnit,
    Provider,
    ServiceType,
    Territory,
    hookimpl,
)

__version__ = "1.2.0"

PROVIDER_KEY = "il-sentiero"

# Pinerolo and the municipalities of the lower Chisone valley the cooperative's teams reach by car.
PINEROLESE = (
    "001191",  # Pinerolo
    "001254",  # San Secondo di Pinerolo
    "001200",  # Porte
    "001222",  # Roletto
    "001110",  # Frossasco
    "001053",  # Cantalupa
    "001097",  # Cumiana
    "001195",  # Piscina
    "001041",  # Buriasco
    "001142",  # Macello
    "001173",  # Osasco
    "001035",  # Bricherasio
    "001205",  # Prarostino
    "001250",  # San Pietro Val Lemina
    "001307",  # Villar Perosa
    "001190",  # Pinasca
    "001122",  # Inverso Pinasca
    "001184",  # Perosa Argentina
    "001198",  # Pomaretto
)
EVERYONE = tuple(BeneficiaryGroup)
FAMILIES = (BeneficiaryGroup.WORKERS, BeneficiaryGroup.FAMILY_MEMBERS, BeneficiaryGroup.FORMER_EMPLOYEES)


@hookimpl
def register_providers():
    return [
        Provider(
            key=PROVIDER_KEY,
            name="Il Sentiero Società Cooperativa Sociale",
            legal_form=LegalForm.SOCIAL_COOPERATIVE,
            tax_id="09123450018",
            municipality="001191",
            address="Via Saluzzo 52, 10064 Pinerolo (TO)",
            email="servizi@ilsentiero.example.org",
            phone="+39 0121 000 101",
            website="https://ilsentiero.example.org",
            applies_national_contract=True,
            has_safety_policy=True,
            description=(
                "Cooperativa sociale di tipo A attiva dal 1994 nel Pinerolese: assistenza domiciliare, "
                "centro diurno e sostegno educativo, con operatori socio-sanitari ed educatori professionali."
            ),
            description_en=(
                "A type-A social cooperative working in the Pinerolese since 1994: home care, a day centre "
                "and educational support, with qualified care workers and educators."
            ),
        )
    ]


@hookimpl
def register_service_types():
    area = Territory(municipalities=PINEROLESE)
    return [
        ServiceType(
            code="il-sentiero.home-care",
            provider=PROVIDER_KEY,
            name="Assistenza domiciliare per anziani",
            name_en="Home care for the elderly",
            description=(
                "Operatore socio-sanitario a domicilio per igiene personale, mobilizzazione, pasti e "
                "compagnia; piano di assistenza concordato con la famiglia entro 5 giorni lavorativi."
            ),
            description_en=(
                "A qualified care worker at home for personal hygiene, mobility, meals and company; care "
                "plan agreed with the family within 5 working days."
            ),
            need_area="elderly_care",
            beneficiary_groups=FAMILIES,
            delivery_modes=(DeliveryMode.IN_KIND, DeliveryMode.VOUCHER, DeliveryMode.REIMBURSEMENT),
            price=Decimal("24.50"),
            unit=PriceUnit.HOUR,
            territory=area,
        ),
        ServiceType(
            code="il-sentiero.caregiver-respite",
            provider=PROVIDER_KEY,
            name="Sollievo per caregiver familiari",
            name_en="Respite for family caregivers",
            description="Sostituzione temporanea del familiare che assiste, anche nel fine settimana.",
            description_en="A trained worker takes over from the family caregiver, weekends included.",
            need_area="elderly_care",
            beneficiary_groups=FAMILIES,
            delivery_modes=(DeliveryMode.IN_KIND, DeliveryMode.VOUCHER),
            price=Decimal("22.00"),
            unit=PriceUnit.HOUR,
            territory=area,
        ),
        ServiceType(
            code="il-sentiero.day-centre",
            provider=PROVIDER_KEY,
            name="Centro diurno per anziani",
            name_en="Day centre for the elderly",
            description="Centro diurno a Pinerolo dalle 8.30 alle 17.30, pranzo e trasporto inclusi.",
            description_en="Day centre in Pinerolo from 8:30 to 17:30, lunch and transport included.",
            need_area="elderly_care",
            beneficiary_groups=FAMILIES,
            delivery_modes=(DeliveryMode.IN_KIND, DeliveryMode.VOUCHER, DeliveryMode.REIMBURSEMENT),
            price=Decimal("48.00"),
            unit=PriceUnit.DAY,
            territory=area,
        ),
        ServiceType(
            code="il-sentiero.disability-support",
            provider=PROVIDER_KEY,
            name="Sostegno educativo per persone con disabilità",
            name_en="Educational support for people with disabilities",
            description="Educatore professionale a domicilio o sul territorio, progetto individuale con la famiglia.",
            description_en="A professional educator at home or out and about, on an individual plan agreed with the family.",
            need_area="vulnerability",
            beneficiary_groups=FAMILIES,
            delivery_modes=(DeliveryMode.IN_KIND, DeliveryMode.VOUCHER),
            price=Decimal("26.00"),
            unit=PriceUnit.HOUR,
            territory=area,
        ),
        ServiceType(
            code="il-sentiero.caregiver-desk",
            provider=PROVIDER_KEY,
            name="Sportello di orientamento per caregiver",
            name_en="Guidance desk for caregivers",
            description=(
                "Colloquio con un'assistente sociale: pratiche di invalidità, accesso ai servizi del "
                "Consorzio socio-assistenziale, scelta della struttura."
            ),
            description_en=(
                "A meeting with a social worker: disability claims, access to the local social services "
                "consortium, choosing a care home."
            ),
            need_area="elderly_care",
            beneficiary_groups=EVERYONE,
            delivery_modes=(DeliveryMode.IN_KIND,),
            price=Decimal("45.00"),
            unit=PriceUnit.SESSION,
            territory=area,
        ),
    ]
