"""Columns that a firm's plan and a member firm's part of a joint plan declare alike, and the bounds the
database holds every amount and count of a plan to.

A plan's worker categories and funding sources, and a member's part's, are the same things owned by two
different rows (``plan`` and ``member_part``): the columns are declared once here and each table adds only
its id and the key of its owner.

The CHECK constraints repeat the domain's bounds (:mod:`welfare_plans.domain.plan`): an amount is a number
from zero to a maximum with at most two decimals (SQLite keeps no ``Numeric(14, 2)`` by itself: an infinity
or 1e30 would be stored as it is), a count a whole number from zero to a maximum.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.plan import MAX_AMOUNT, MAX_CLAIMS_DEADLINE_DAYS, MAX_PEOPLE, MAX_QUANTITY

MONEY = Numeric(14, 2)


def amount_check(column: str, maximum: Decimal = MAX_AMOUNT) -> CheckConstraint:
    """``column`` holds an amount: from zero to ``maximum``, two decimals at most (NaN fails the maximum)."""
    return CheckConstraint(
        f"{column} >= 0 AND {column} <= {maximum} AND {column} = ROUND({column}, 2)", name=f"{column}_amount"
    )


def count_check(column: str, maximum: int = MAX_PEOPLE, minimum: int = 0) -> CheckConstraint:
    """``column`` holds a count: a whole number from ``minimum`` to ``maximum``."""
    return CheckConstraint(f"{column} >= {minimum} AND {column} <= {maximum}", name=f"{column}_count")


def category_checks() -> tuple[CheckConstraint, ...]:
    """The checks of a worker category's row (a plan's or a part's)."""
    return count_check("headcount"), amount_check("credit_per_worker")


def funding_checks() -> tuple[CheckConstraint, ...]:
    """The checks of a funding source's row (a plan's or a part's)."""
    return (amount_check("amount"),)


def plan_checks() -> tuple[CheckConstraint, ...]:
    """The checks of a plan's own row: its counts of people beyond the workforce and the claims deadline."""
    return (
        count_check("family_count"),
        count_check("former_count"),
        count_check("citizens_count"),
        count_check("claims_deadline_days", MAX_CLAIMS_DEADLINE_DAYS),
    )


def item_checks() -> tuple[CheckConstraint, ...]:
    """The checks of a basket item: its price and quantity."""
    return amount_check("price"), amount_check("quantity", MAX_QUANTITY)


def choice_checks() -> tuple[CheckConstraint, ...]:
    """The checks of a member firm's choice of a service: the people expected and the quantity."""
    return count_check("people"), amount_check("quantity", MAX_QUANTITY)


class CategoryColumns:
    """A worker category: its name, headcount, whether the plan includes it and each worker's credit."""

    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(120))
    headcount: Mapped[int] = mapped_column(default=0)
    included: Mapped[bool] = mapped_column(default=True)
    credit_per_worker: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))


class FundingColumns:
    """A funding source: its kind (``FundingKind``), amount and a note."""

    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    note: Mapped[str] = mapped_column(String(300), default="")
