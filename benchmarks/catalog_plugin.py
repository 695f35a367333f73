"""A plugin that contributes a generated catalog of any size, spread over Piedmont's municipalities."""

from __future__ import annotations

import random
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
from welfare_plans.domain.territory import gazetteer

AREAS = [
    "health",
    "elderly_care",
    "childcare_education",
    "work_life",
    "training",
    "culture_leisure",
    "mobility",
]
WORDS = [
    "assistenza",
    "domiciliare",
    "corso",
    "nido",
    "visita",
    "sportello",
    "trasporto",
    "centro",
    "estivo",
    "sostegno",
]


class GeneratedCatalog:
    def __init__(self, services: int, per_provider: int = 50, seed: int = 7):
        self.services = services
        self.per_provider = per_provider
        self.seed = seed
        self.towns = sorted(
            code for code, m in gazetteer().municipalities.items() if m.province.region == "Piemonte"
        )

    @property
    def provider_count(self) -> int:
        return max(1, -(-self.services // self.per_provider))

    @hookimpl
    def register_providers(self):
        return [
            Provider(
                key=f"bench-{i}",
                name=f"Cooperativa Benchmark {i}",
                legal_form=LegalForm.SOCIAL_COOPERATIVE,
                tax_id="10765430011",
                municipality=self.towns[i % len(self.towns)],
            )
            for i in range(self.provider_count)
        ]

    @hookimpl
    def register_service_types(self):
        rng = random.Random(self.seed)  # noqa: S311 - reproducible test data, not secrets
        result = []
        for i in range(self.services):
            name = " ".join(rng.sample(WORDS, 3)).capitalize()
            result.append(
                ServiceType(
                    code=f"bench-{i // self.per_provider}.{i}",
                    provider=f"bench-{i // self.per_provider}",
                    name=f"{name} {i}",
                    need_area=AREAS[i % len(AREAS)],
                    beneficiary_groups=(BeneficiaryGroup.WORKERS, BeneficiaryGroup.FAMILY_MEMBERS),
                    delivery_modes=(DeliveryMode.IN_KIND,),
                    price=Decimal(rng.randint(500, 50000)) / 100,
                    unit=PriceUnit.HOUR,
                    territory=Territory(municipalities=tuple(rng.sample(self.towns, 3))),
                )
            )
        return result
