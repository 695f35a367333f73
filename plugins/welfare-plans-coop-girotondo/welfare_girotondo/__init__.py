"""Girotondo Cooperativa Sociale: childcare and education in Val Pellice and Pinerolo."""

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

__version__ = "0.9.1"

PROVIDER_KEY = "girotondo"

# Nurseries in Luserna San Giovanni and Pinerolo; camps and after-school across Val Pellice.
NURSERY_TOWNS = ("001139", "001275", "001035", "001025", "001191")
VAL_PELLICE = ("001139", "001275", "001035", "001025", "001026", "001306", "001011", "001191", "001254")
CHILDREN = (BeneficiaryGroup.FAMILY_MEMBERS,)
CHILDREN_AND_TOWN = (BeneficiaryGroup.FAMILY_MEMBERS, BeneficiaryGroup.CITIZENS)
REFUNDABLE = (DeliveryMode.IN_KIND, DeliveryMode.VOUCHER, DeliveryMode.REIMBURSEMENT)


@hookimpl
def register_providers():
    return [
        Provider(
            key=PROVIDER_KEY,
            name="Girotondo Cooperativa Sociale",
            legal_form=LegalForm.SOCIAL_COOPERATIVE,
            tax_id="08456780017",
            municipality="001139",
            address="Via Roma 14, 10062 Luserna San Giovanni (TO)",
            email="famiglie@girotondo.example.org",
            phone="+39 0121 000 202",
            website="https://girotondo.example.org",
            applies_national_contract=True,
            has_safety_policy=True,
            description=(
                "Cooperativa sociale educativa: due asili nido accreditati, centri estivi e doposcuola in "
                "Val Pellice e a Pinerolo, con educatrici laureate."
            ),
            description_en=(
                "An education cooperative: two accredited nurseries, summer camps and after-school in Val "
                "Pellice and Pinerolo, with graduate educators."
            ),
        )
    ]


@hookimpl
def register_service_types():
    nurseries = Territory(municipalities=NURSERY_TOWNS)
    valley = Territory(municipalities=VAL_PELLICE)
    return [
        ServiceType(
            code="girotondo.nursery-full-time",
            provider=PROVIDER_KEY,
            name="Posto nido a tempo pieno",
            name_en="Full-time nursery place",
            description="Bambini da 3 a 36 mesi, dalle 7.30 alle 17.30, pasti preparati nella cucina interna.",
            description_en="Children aged 3 to 36 months, 7:30 to 17:30, meals cooked on site.",
            need_area="childcare_education",
            beneficiary_groups=CHILDREN,
            delivery_modes=REFUNDABLE,
            price=Decimal("590.00"),
            unit=PriceUnit.MONTH,
            territory=nurseries,
        ),
        ServiceType(
            code="girotondo.nursery-part-time",
            provider=PROVIDER_KEY,
            name="Posto nido a tempo parziale",
            name_en="Part-time nursery place",
            description="Bambini da 3 a 36 mesi, dalle 7.30 alle 13.00, pranzo incluso.",
            description_en="Children aged 3 to 36 months, 7:30 to 13:00, lunch included.",
            need_area="childcare_education",
            beneficiary_groups=CHILDREN,
            delivery_modes=REFUNDABLE,
            price=Decimal("410.00"),
            unit=PriceUnit.MONTH,
            territory=nurseries,
        ),
        ServiceType(
            code="girotondo.summer-camp",
            provider=PROVIDER_KEY,
            name="Centro estivo",
            name_en="Summer camp",
            description="Da giugno a settembre per bambini dai 3 ai 14 anni, gite in montagna e piscina.",
            description_en="June to September for children aged 3 to 14, with mountain trips and swimming.",
            need_area="childcare_education",
            beneficiary_groups=CHILDREN_AND_TOWN,
            delivery_modes=REFUNDABLE,
            price=Decimal("125.00"),
            unit=PriceUnit.WEEK,
            territory=valley,
        ),
        ServiceType(
            code="girotondo.after-school",
            provider=PROVIDER_KEY,
            name="Doposcuola e aiuto compiti",
            name_en="After-school and homework help",
            description="Tre pomeriggi a settimana per la scuola primaria e secondaria di primo grado.",
            description_en="Three afternoons a week for primary and lower secondary pupils.",
            need_area="childcare_education",
            beneficiary_groups=CHILDREN_AND_TOWN,
            delivery_modes=REFUNDABLE,
            price=Decimal("160.00"),
            unit=PriceUnit.MONTH,
            territory=valley,
        ),
        ServiceType(
            code="girotondo.pre-post-school",
            provider=PROVIDER_KEY,
            name="Pre e post scuola",
            name_en="Before- and after-school care",
            description="Accoglienza dalle 7.30 e fino alle 18.00 nelle scuole primarie convenzionate.",
            description_en="Care from 7:30 and until 18:00 at partner primary schools.",
            need_area="childcare_education",
            beneficiary_groups=CHILDREN,
            delivery_modes=REFUNDABLE,
            price=Decimal("55.00"),
            unit=PriceUnit.MONTH,
            territory=valley,
        ),
    ]
