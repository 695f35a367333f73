"""Welfare plans as firms compose them.

A plan belongs to one firm, or is the joint plan of a network (see :mod:`.networks`). Versions of the same plan share a ``lineage_id`` (the id of the first
version); changing a final plan makes a new version. Basket items snapshot the catalog service's
price and terms, so a later catalog change cannot alter a finished plan.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ..domain.plan import MAX_QUANTITY, readable_amount
from .accounts import User
from .columns import (
    MONEY,
    CategoryColumns,
    FundingColumns,
    category_checks,
    funding_checks,
    item_checks,
    plan_checks,
)
from .firms import Firm
from .networks import MemberPart, Network


class Plan(Base):
    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("lineage_id", "version"), *plan_checks())

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"), index=True)  # None: a joint plan
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id"), index=True)
    lineage_id: Mapped[int | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)
    # counts the saves of this version: a form built at one revision is stale once another save moved it on
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)

    # basics
    title: Mapped[str] = mapped_column(String(200))
    fiscal_year: Mapped[int]
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    legal_basis: Mapped[str | None] = mapped_column(String(40))
    agreement_reference: Mapped[str | None] = mapped_column(String(300))
    objectives: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    territory_municipalities: Mapped[list[str]] = mapped_column(JSON, default=list)
    territory_provinces: Mapped[list[str]] = mapped_column(JSON, default=list)

    # beneficiaries beyond the worker categories
    include_family: Mapped[bool] = mapped_column(default=False)
    family_count: Mapped[int] = mapped_column(default=0)
    include_former: Mapped[bool] = mapped_column(default=False)
    former_count: Mapped[int] = mapped_column(default=0)
    include_citizens: Mapped[bool] = mapped_column(default=False)
    citizens_count: Mapped[int] = mapped_column(default=0)
    # joint plans: services are open to the employees of every member firm, whichever firm funds them
    open_to_member_employees: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    # governance and rules of use
    steering_committee: Mapped[str] = mapped_column(Text, default="")
    new_hires_rule: Mapped[str] = mapped_column(String(20), default="pro_rata", server_default="pro_rata")
    unused_credit_rule: Mapped[str] = mapped_column(String(20), default="expires", server_default="expires")
    claims_deadline_days: Mapped[int] = mapped_column(default=60, server_default="60")
    usage_notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]
    finalised_at: Mapped[datetime | None]
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    firm: Mapped[Firm | None] = relationship()
    network: Mapped[Network | None] = relationship()
    parts: Mapped[list[MemberPart]] = relationship(cascade="all, delete-orphan", order_by="MemberPart.id")
    finalised_by: Mapped[User | None] = relationship(foreign_keys=[finalised_by_id])
    categories: Mapped[list[PlanCategory]] = relationship(
        cascade="all, delete-orphan", order_by="PlanCategory.position"
    )
    funding: Mapped[list[PlanFunding]] = relationship(
        cascade="all, delete-orphan", order_by="PlanFunding.position"
    )
    items: Mapped[list[PlanItem]] = relationship(cascade="all, delete-orphan", order_by="PlanItem.position")
    partners: Mapped[list[PlanPartner]] = relationship(
        cascade="all, delete-orphan", order_by="PlanPartner.position"
    )

    @property
    def editable(self) -> bool:
        return self.status == "draft"


class PlanCategory(CategoryColumns, Base):
    """A worker category as a firm's plan includes it, with the welfare credit each worker gets."""

    __tablename__ = "plan_category"
    __table_args__ = category_checks()

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)


class PlanFunding(FundingColumns, Base):
    """A funding source of the plan itself (for a joint plan, the network's own)."""

    __tablename__ = "plan_funding"
    __table_args__ = funding_checks()

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)


class PlanItem(Base):
    """A service of the basket: a copy of the catalog terms at the time it was chosen, and how much of it."""

    __tablename__ = "plan_item"
    __table_args__ = item_checks()

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service_type.id", ondelete="SET NULL"))
    service_code: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    provider_name: Mapped[str] = mapped_column(String(200))
    need_area: Mapped[str] = mapped_column(String(40))
    price: Mapped[Decimal] = mapped_column(MONEY)
    unit: Mapped[str] = mapped_column(String(20))
    delivery_modes: Mapped[list[str]] = mapped_column(JSON)
    beneficiary_groups: Mapped[list[str]] = mapped_column(JSON)
    territory_municipalities: Mapped[list[str]] = mapped_column(JSON)
    territory_provinces: Mapped[list[str]] = mapped_column(JSON)
    beneficiary_group: Mapped[str] = mapped_column(String(30))
    tax_basis: Mapped[str | None] = mapped_column(String(30))  # as the provider states it
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))

    @property
    def budget(self) -> Decimal:
        """Price times quantity, to the cent; zero for a stored value no plan can hold (shown as an error)."""
        price, quantity = readable_amount(self.price), readable_amount(self.quantity, MAX_QUANTITY)
        if price is None or quantity is None:
            return Decimal("0.00")
        return (price * quantity).quantize(Decimal("0.01"))


class PlanPartner(Base):
    __tablename__ = "plan_partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    role: Mapped[str] = mapped_column(String(300), default="")
    signatory: Mapped[bool] = mapped_column(default=False)


class PlanChange(Base):
    """Who changed what and when: one row per saved step or lifecycle action."""

    __tablename__ = "plan_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    lineage_id: Mapped[int] = mapped_column(index=True)
    version: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(30))
    changes: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # the revision the change made (of the plan, or for a member's part of the part): what a stale form missed
    revision: Mapped[int | None]

    user: Mapped[User | None] = relationship()
