"""A welfare plan as plain values: what ``validate_plan`` hooks receive, with the totals people ask for.

Built from the database by :func:`welfare_plans.plans.to_domain`; nothing here touches Flask or SQLAlchemy.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..types import BeneficiaryGroup, Territory
from . import N_, format_message

if TYPE_CHECKING:
    from .network import MemberAnnex

CENT = Decimal("0.01")

# What a plan can hold. The forms, these values and the database's CHECK constraints (migration
# 0010_integrity) keep to the same bounds, so a value that passed one passes the others.
MAX_AMOUNT = Decimal("999999999.99")  # one amount in euro: a credit per worker, a funding source, a price
MAX_QUANTITY = Decimal("9999999.99")  # how much of one service
MAX_PEOPLE = 1_000_000  # workers of a category; family members, former employees, citizens; people expected
MAX_ROWS = 100  # worker categories, funding sources, partners, basket services of one plan or one part
MAX_CLAIMS_DEADLINE_DAYS = 365


class InvalidValue(ValueError):
    """A value no plan can hold; ``message`` is a template marked with ``N_``, filled in with ``params``."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


def amount_problem(value, maximum: Decimal = MAX_AMOUNT) -> tuple[str, dict] | None:
    """Why ``value`` cannot be an amount of a plan, as ``(message, params)``, or None when it can: a finite
    number from zero to ``maximum`` with at most two decimals."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite():
            return N_("Write an amount such as 1.250,00"), {}
        if number < 0:
            return N_("An amount cannot be negative."), {}
        if number > maximum:
            return N_("At most %(maximum)s."), {"maximum": maximum}
        if number != number.quantize(CENT):
            return N_("At most two decimals."), {}
    except (InvalidOperation, ValueError, TypeError):
        return N_("Write an amount such as 1.250,00"), {}
    return None


def count_problem(value, maximum: int = MAX_PEOPLE) -> tuple[str, dict] | None:
    """Why ``value`` cannot be a count of people (or days) of a plan, or None: a whole number from zero to
    ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        return N_("Write a whole number."), {}
    if value < 0:
        return N_("A number of people cannot be negative."), {}
    if value > maximum:
        return N_("At most %(maximum)s."), {"maximum": maximum}
    return None


def checked_amount(value, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """``value`` as an amount, or :class:`InvalidValue`."""
    problem = amount_problem(value, maximum)
    if problem is not None:
        raise InvalidValue(problem[0], **problem[1])
    return value if isinstance(value, Decimal) else Decimal(str(value))


def checked_count(value, maximum: int = MAX_PEOPLE) -> int:
    """``value`` as a count, or :class:`InvalidValue`."""
    problem = count_problem(value, maximum)
    if problem is not None:
        raise InvalidValue(problem[0], **problem[1])
    return value


def readable_amount(value, maximum: Decimal = MAX_AMOUNT) -> Decimal | None:
    """A stored amount as a value, or None when it is no amount a plan can hold (stored before the checks
    existed, or written by hand): its page shows an error at the field instead of failing."""
    return None if amount_problem(value, maximum) is not None else Decimal(value)


def readable_count(value, maximum: int = MAX_PEOPLE) -> int | None:
    """A stored count as a value, or None when it is no count a plan can hold."""
    return None if count_problem(value, maximum) is not None else value


class LegalBasis(StrEnum):
    """What a plan rests on; it decides deductibility and whether the productivity bonus can be converted."""

    REGULATION_VOLUNTARY = "regulation_voluntary"
    REGULATION_BINDING = "regulation_binding"
    COMPANY_AGREEMENT = "company_agreement"
    TERRITORIAL_AGREEMENT = "territorial_agreement"


class FundingKind(StrEnum):
    EMPLOYER = "employer"
    PRODUCTIVITY_BONUS = "productivity_bonus"
    CO_PAYMENT = "co_payment"
    FOUNDATION = "foundation"
    PUBLIC = "public"


class PartnerKind(StrEnum):
    MUNICIPALITY = "municipality"
    HEALTH_AUTHORITY = "health_authority"
    UNION = "union"
    EMPLOYER_ASSOCIATION = "employer_association"
    FOUNDATION = "foundation"
    THIRD_SECTOR = "third_sector"
    OTHER = "other"


class NewHiresRule(StrEnum):
    """What a worker hired during the plan's period gets."""

    PRO_RATA = "pro_rata"  # the credit in proportion to the months worked
    FULL = "full"
    NEXT_PERIOD = "next_period"  # included from the next plan


class UnusedCreditRule(StrEnum):
    """What happens to credit not used by the end of the period."""

    EXPIRES = "expires"
    CARRIED_OVER = "carried_over"  # to the next period of the same plan
    PENSION_FUND = "pension_fund"  # paid into the worker's supplementary pension fund


class Severity(StrEnum):
    ERROR = "error"  # blocks finalising
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class PlanProblem:
    """A problem a check found: ``message`` is a template marked with ``N_`` and formatted with ``params``.

    ``field`` names what to fix: ``title``, ``period_end``, ``categories``, ``funding``, ``items``,
    ``items.<service code>``, ``territory``, ``partners``... The review page links it to the step.
    """

    severity: Severity
    message: str
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    plugin: str | None = None

    def render(self, gettext=None) -> str:
        return format_message(self.message, self.params, gettext)


@dataclass(frozen=True)
class CategoryBudget:
    name: str
    headcount: int
    included: bool
    credit_per_worker: Decimal

    def __post_init__(self) -> None:
        checked_count(self.headcount)
        checked_amount(self.credit_per_worker)

    @property
    def budget(self) -> Decimal:
        return (self.credit_per_worker * self.headcount).quantize(CENT) if self.included else Decimal("0.00")


def workers_of(categories) -> int:
    """The workers of the included categories."""
    return sum(category.headcount for category in categories if category.included)


def budget_of(categories) -> Decimal:
    """The welfare credit of every included worker."""
    return sum((category.budget for category in categories), Decimal("0.00"))


def funding_of(sources) -> Decimal:
    return sum((source.amount for source in sources), Decimal("0.00"))


@dataclass(frozen=True)
class FundingSource:
    kind: FundingKind
    amount: Decimal
    note: str = ""

    def __post_init__(self) -> None:
        checked_amount(self.amount)


@dataclass(frozen=True)
class BasketItem:
    service_code: str
    name: str
    provider: str
    need_area: str
    price: Decimal
    unit: str
    quantity: Decimal
    beneficiary_group: BeneficiaryGroup
    beneficiary_groups: tuple[str, ...]
    delivery_modes: tuple[str, ...]
    territory: Territory
    declared_tax_basis: str | None = None  # as the provider states it, when it does

    def __post_init__(self) -> None:
        checked_amount(self.price)
        checked_amount(self.quantity, MAX_QUANTITY)

    @property
    def budget(self) -> Decimal:
        return (self.price * self.quantity).quantize(CENT)


@dataclass(frozen=True)
class Partner:
    name: str
    kind: PartnerKind
    role: str = ""
    signatory: bool = False


@dataclass(frozen=True)
class WelfarePlan:
    """Everything a plan says, as values. ``territory`` is the area the plan serves."""

    title: str
    fiscal_year: int
    period_start: date | None
    period_end: date | None
    legal_basis: LegalBasis | None
    objectives: str
    needs: tuple[str, ...]
    territory: Territory
    categories: tuple[CategoryBudget, ...]
    family_count: int | None  # None: family members not included
    former_count: int | None
    citizens_count: int | None
    funding: tuple[FundingSource, ...]
    basket: tuple[BasketItem, ...]
    partners: tuple[Partner, ...]
    steering_committee: str = ""
    new_hires_rule: NewHiresRule = NewHiresRule.PRO_RATA
    unused_credit_rule: UnusedCreditRule = UnusedCreditRule.EXPIRES
    claims_deadline_days: int = 60
    usage_notes: str = ""
    firm_name: str = ""
    firm_vat_number: str = ""
    firm_municipality: str = ""
    version: int = 1
    status: str = "draft"
    agreement_reference: str = ""
    # joint plans of a network: who composes it, and one annex per member firm
    network_name: str = ""
    network_kind: str = ""
    coordinating_body: str = ""
    open_to_member_employees: bool = False
    annexes: tuple[MemberAnnex, ...] = ()
    # fields whose stored values no plan can hold (read as zero): ``credits``, ``funding``, ``family_count``...
    unreadable: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for count in (self.family_count, self.former_count, self.citizens_count):
            if count is not None:
                checked_count(count)
        checked_count(self.claims_deadline_days, MAX_CLAIMS_DEADLINE_DAYS)

    @property
    def is_joint(self) -> bool:
        return bool(self.network_name)

    @property
    def total_budget(self) -> Decimal:
        """The welfare credit of every included worker: what the funding must add up to."""
        return budget_of(self.categories)

    @property
    def funding_total(self) -> Decimal:
        return funding_of(self.funding)

    @property
    def basket_total(self) -> Decimal:
        return sum((item.budget for item in self.basket), Decimal("0.00"))

    @property
    def workers_covered(self) -> int:
        return workers_of(self.categories)

    @property
    def beneficiary_groups(self) -> tuple[BeneficiaryGroup, ...]:
        groups = []
        if self.workers_covered or self.is_joint:  # a joint plan is for the member firms' workers
            groups.append(BeneficiaryGroup.WORKERS)
        for group, count in (
            (BeneficiaryGroup.FAMILY_MEMBERS, self.family_count),
            (BeneficiaryGroup.FORMER_EMPLOYEES, self.former_count),
            (BeneficiaryGroup.CITIZENS, self.citizens_count),
        ):
            if count is not None:
                groups.append(group)
        return tuple(groups)

    def people(self, group: BeneficiaryGroup) -> int:
        return {
            BeneficiaryGroup.WORKERS: self.workers_covered,
            BeneficiaryGroup.FAMILY_MEMBERS: self.family_count or 0,
            BeneficiaryGroup.FORMER_EMPLOYEES: self.former_count or 0,
            BeneficiaryGroup.CITIZENS: self.citizens_count or 0,
        }[group]

    def basket_by_need_area(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for item in self.basket:
            totals[item.need_area] += item.budget
        return dict(totals)

    def basket_by_group(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for item in self.basket:
            totals[item.beneficiary_group] += item.budget
        return dict(totals)
