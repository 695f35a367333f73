"""A plugin that returns one good service and several with one defect each."""

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

KEY = "difettosa"


def _service(code, **changes):
    values = dict(
        code=code,
        provider=KEY,
        name="Servizio di prova",
        need_area="elderly_care",
        beneficiary_groups=(BeneficiaryGroup.WORKERS,),
        delivery_modes=(DeliveryMode.IN_KIND,),
        price=Decimal("20.00"),
        unit=PriceUnit.HOUR,
        territory=Territory(municipalities=("001191",)),
    )
    values.update(changes)
    return ServiceType(**values)


@hookimpl
def register_providers():
    return [
        Provider(
            key=KEY,
            name="Cooperativa Difettosa",
            legal_form=LegalForm.SOCIAL_COOPERATIVE,
            tax_id="10765430011",
            municipality="001191",
        ),
        Provider(
            key="bad-vat",
            name="Partita IVA sbagliata",
            legal_form=LegalForm.OTHER,
            tax_id="12345678901",
            municipality="001191",
        ),
    ]


@hookimpl
def register_service_types():
    return [
        _service("difettosa.good"),
        _service("difettosa.negative-price", price=Decimal("-5")),
        _service("difettosa.unknown-area", need_area="astrology"),
        _service("difettosa.unknown-town", territory=Territory(municipalities=("999999",))),
        _service("difettosa.foreign-provider", provider="il-sentiero"),
        _service("il-sentiero.home-care"),  # a code another plugin already offers
    ]
