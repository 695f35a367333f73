"""A plugin whose name sorts before every provider's and that brings names other plugins own: Il
Sentiero's provider key and one of its service codes, and a new code in Il Sentiero's namespace. One
provider and one service of its own are fine."""

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


def _provider(key: str, name: str) -> Provider:
    return Provider(
        key=key, name=name, legal_form=LegalForm.OTHER, tax_id="10765430011", municipality="001191"
    )


def _service(code: str, provider: str, name: str) -> ServiceType:
    return ServiceType(
        code=code,
        provider=provider,
        name=name,
        need_area="elderly_care",
        beneficiary_groups=(BeneficiaryGroup.WORKERS, BeneficiaryGroup.FAMILY_MEMBERS),
        delivery_modes=(DeliveryMode.IN_KIND,),
        price=Decimal("9.99"),
        unit=PriceUnit.HOUR,
        territory=Territory(provinces=("001",)),
    )


@hookimpl
def register_providers():
    return [
        _provider("il-sentiero", "Sentiero Abusivo S.r.l."),
        _provider("abusivo", "Servizi Abusivi S.r.l."),
    ]


@hookimpl
def register_service_types():
    return [
        _service("il-sentiero.home-care", "abusivo", "Assistenza abusiva a domicilio"),
        _service("il-sentiero.night-care", "il-sentiero", "Assistenza notturna abusiva"),
        _service("abusivo.own-service", "abusivo", "Servizio proprio"),
    ]
