"""Networks of firms as plain values: a member firm's annex to a joint plan and the network's pooled demand.

Built from the database by :mod:`welfare_plans.networks`; nothing here touches Flask or SQLAlchemy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from .plan import CENT, CategoryBudget, FundingSource, budget_of, funding_of, workers_of


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

    @property
    def workers_covered(self) -> int:
        return workers_of(self.categories)

    @property
    def total_budget(self) -> Decimal:
        return budget_of(self.categories)

    @property
    def funding_total(self) -> Decimal:
        return funding_of(self.funding)

    @cached_property  # read for every total: kept once worked out (the annex never changes)
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


@dataclass(frozen=True)
class Offer:
    """Member firms that offer one service of the shared basket with the same quantity each: how many
    firms, and to how many people in all. One firm's offered choice is an offer of one firm; a database
    adds up many firms' offers in one pass."""

    service_code: str
    quantity: Decimal  # each firm's
    firms: int = 1
    people: int = 0


def offers_of(annexes: Iterable[MemberAnnex]) -> list[Offer]:
    """Every choice the member firms offer, as an offer of one firm."""
    return [
        Offer(choice.service_code, choice.quantity, 1, choice.people)
        for annex in annexes
        for choice in annex.offered
    ]


def pooled_demand(basket: Sequence, offers: Iterable[Offer]) -> list[ServiceDemand]:
    """For each service of the shared basket (in the basket's order), the sum over the firms that offer it.

    ``basket`` holds anything with ``service_code``, ``name``, ``provider``, ``need_area``, ``unit`` and
    ``price``; offers of services no longer in the basket are ignored. Each firm's budget is its quantity
    at the basket's price, rounded to the cent as its annex rounds it, so the sums match the annexes.
    """
    prices = {item.service_code: item.price for item in basket}
    firms: dict[str, int] = defaultdict(int)
    people: dict[str, int] = defaultdict(int)
    quantity: dict[str, Decimal] = defaultdict(Decimal)
    budget: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for offer in offers:
        code = offer.service_code
        if code not in prices:
            continue
        firms[code] += offer.firms
        people[code] += offer.people
        quantity[code] += offer.quantity * offer.firms
        budget[code] += (prices[code] * offer.quantity).quantize(CENT) * offer.firms
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


def firms_by_need_area(annexes: Iterable[MemberAnnex]) -> dict[str, int]:
    """How many member firms offer at least one service of each need area."""
    firms: dict[str, int] = defaultdict(int)
    for annex in annexes:
        for area in {choice.need_area for choice in annex.offered}:
            firms[area] += 1
    return dict(firms)


def demand_by_need_area(demand: Iterable[ServiceDemand], firms: Mapping[str, int]) -> list[AreaDemand]:
    """The pooled demand summed by need area, in the order areas first appear in ``demand``; ``firms``
    says how many firms offer at least one service of each area (see :func:`firms_by_need_area`)."""
    services: dict[str, int] = defaultdict(int)
    people: dict[str, int] = defaultdict(int)
    budget: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for row in demand:
        services[row.need_area] += 1
        people[row.need_area] += row.people
        budget[row.need_area] += row.budget
    return [
        AreaDemand(area, services[area], firms.get(area, 0), people[area], budget[area]) for area in services
    ]
