"""Columns that a firm's plan and a member firm's part of a joint plan declare alike.

A plan's worker categories and funding sources, and a member's part's, are the same things owned by two
different rows (``plan`` and ``member_part``): the columns are declared once here and each table adds only
its id and the key of its owner.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

MONEY = Numeric(14, 2)


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
