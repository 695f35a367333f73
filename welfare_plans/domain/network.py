"""Networks of firms as plain values: a member firm's annex to a joint plan and the network's pooled demand.

Built from the database by :mod:`welfare_plans.networks`; nothing here touches Flask or SQLAlchemy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .plan import (
    CENT,
    MAX_QUANTITY,
    CategoryBudget,
    FundingSource,
    budget_of,
    checked_amount,
    checked_count,
    funding_of,
    workers_of,
)


class NetworkKind(StrEnum):
    NETWORK_CONTRACT = "network_contract"  # contratto di rete
    ASSOCIATION = "association"  # associazione datoriale
    TERRITORIAL_PACT = "territorial_pact"  # patto territoriale
    TEMPORARY_GROUPING = "temporary_grouping"  # ATI, raggruppamento temporaneo


@dataclass(frozen=True)
class MemberChoice:
    """A service of the shared basket as one member firm offers it (or not)."""

    service_code: str
    name: str
    provider: str
    need_area: str
    price: Decimal
    unit: str
    opted_in: bool
    people: int = 0
    quantity: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        checked_amount(self.price)
        checked_count(self.people)
        checked_amount(self.quantity, MAX_QUANTITY)

    @property
    def budget(self) -> Decimal:
        return (self.price * self.quantity).quantize(CENT) if self.opted_in else Decimal("0.00")


@dataclass(frozen=True)
class MemberAnnex:
    """A member firm's part of a joint plan: the annex the document gives it."""

    firm_name: str
    vat_number: str
    municipality: str
    categories: tuple[CategoryBudget, ...]
    funding: tuple[FundingSource, ...]
    choices: tuple[MemberChoice, ...]
    started: bool = True  # False: the firm has not filled in its part yet
    unreadable: tuple[str, ...] = ()  # fields of the part whose stored values no plan can hold (read as zero)

    @property
    def workers_covered(self) -> int:
        return workers_of(self.categories)

    @property
    def total_budget(self) -> Decimal:
        return budget_of(self.categories)

    @property
    def funding_total(self) -> Decimal:
        return funding_of(self.funding)

    @property
    def offered(self) -> tuple[MemberChoice, ...]:
        return tuple(choice for choice in self.choices if choice.opted_in)

    @property
    def basket_total(self) -> Decimal:
        return sum((choice.budget for choice in self.offered), Decimal("0.00"))


@dataclass(frozen=True)
class ServiceDemand:
    """What the member firms together expect of one service: the basis for negotiating with its provider."""

    service_code: str
    name: str
    provider: str
    need_area: str
    unit: str
    price: Decimal
    firms: int
    people: int
    quantity: Decimal
    budget: Decimal


@dataclass(frozen=True)
class AreaDemand:
    need_area: str
    services: int
    firms: int  # firms offering at least one service of the area
    people: int
    budget: Decimal


def pooled_demand(basket: Sequence, annexes: Iterable[MemberAnnex]) -> list[ServiceDemand]:
    """For each service of the shared basket (in the basket's order), the sum over the firms that offer it.

    ``basket`` holds anything with ``service_code``, ``name``, ``provider``, ``need_area``, ``unit`` and
    ``price``; choices for services no longer in the basket are ignored.
    """
    firms: dict[str, int] = defaultdict(int)
    people: dict[str, int] = defaultdict(int)
    quantity: dict[str, Decimal] = defaultdict(Decimal)
    budget: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for annex in annexes:
        for choice in annex.offered:
            firms[choice.service_code] += 1
            people[choice.service_code] += choice.people
            quantity[choice.service_code] += choice.quantity
            budget[choice.service_code] += choice.budget
    return [
        ServiceDemand(
            service_code=item.service_code,
            name=item.name,
            provider=item.provider,
            need_area=item.need_area,
            unit=item.unit,
            price=item.price,
            firms=firms[item.service_code],
            people=people[item.service_code],
            quantity=quantity[item.service_code],
            budget=budget[item.service_code],
        )
        for item in basket
    ]


def demand_by_need_area(demand: Iterable[ServiceDemand], annexes: Sequence[MemberAnnex]) -> list[AreaDemand]:
    """The pooled demand summed by need area, in the order areas first appear in ``demand``."""
    services: dict[str, int] = defaultdict(int)
    people: dict[str, int] = defaultdict(int)
    budget: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for row in demand:
        services[row.need_area] += 1
        people[row.need_area] += row.people
        budget[row.need_area] += row.budget
    firms = {
        area: sum(1 for annex in annexes if any(c.need_area == area for c in annex.offered))
        for area in services
    }
    return [AreaDemand(area, services[area], firms[area], people[area], budget[area]) for area in services]
