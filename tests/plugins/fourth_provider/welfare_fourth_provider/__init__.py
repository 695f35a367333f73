"""Associazione Val Chisone in Movimento: sport and mobility for families (a test provider)."""

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


@hookimpl
def register_providers():
    return [
        Provider(
            key="val-chisone",
            name="Associazione Val Chisone in Movimento APS",
            legal_form=LegalForm.PROMOTION_ASSOCIATION,
            tax_id="94120010015",
            municipality="001184",
        )
    ]


@hookimpl
def register_service_types():
    return [
        ServiceType(
            code="val-chisone.swimming-course",
            provider="val-chisone",
            name="Corso di nuoto per ragazzi",
            name_en="Swimming course for kids",
            need_area="culture_leisure",
            beneficiary_groups=(BeneficiaryGroup.FAMILY_MEMBERS,),
            delivery_modes=(DeliveryMode.VOUCHER,),
            price=Decimal("85.00"),
            unit=PriceUnit.MONTH,
            territory=Territory(municipalities=("001184", "001307")),
        )
    ]
