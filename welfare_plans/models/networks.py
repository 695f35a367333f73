"""SME networks and the member firms' parts of their joint plans.

A network (a network contract, an employers' association, a territorial pact, a temporary grouping) has
coordinators, who compose its joint plans, and member firms, invited by a coordinator and accepted by the
firm's HR manager. A joint plan is a :class:`~welfare_plans.models.plans.Plan` with ``network_id`` set and
no firm; each member firm fills in a :class:`MemberPart` of it: its headcount and credit by category, its
funding and which services of the shared basket it offers.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .columns import CategoryColumns, FundingColumns, category_checks, choice_checks, funding_checks
from .firms import Firm

if TYPE_CHECKING:
    from .accounts import User


class Network(Base):
    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    coordinating_body: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    territory_municipalities: Mapped[list[str]] = mapped_column(JSON, default=list)
    territory_provinces: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the coordinators propose sharing members' parts with each other; it applies once every member agrees
    sharing_proposed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    coordinators: Mapped[list[NetworkCoordinator]] = relationship(
        back_populates="network", cascade="all, delete-orphan"
    )
    members: Mapped[list[NetworkMember]] = relationship(
        back_populates="network", cascade="all, delete-orphan", order_by="NetworkMember.id"
    )

    @property
    def active_members(self) -> list[NetworkMember]:
        return [member for member in self.members if member.status == "active"]

    @property
    def sharing_in_force(self) -> bool:
        """Members see each other's parts only when proposed and agreed by every active member."""
        active = self.active_members
        return self.sharing_proposed and bool(active) and all(member.agrees_to_share for member in active)


class NetworkCoordinator(Base):
    __tablename__ = "network_coordinator"
    __table_args__ = (UniqueConstraint("network_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)

    network: Mapped[Network] = relationship(back_populates="coordinators")
    user: Mapped[User] = relationship()


class NetworkMember(Base):
    """A firm's place in a network: ``invited``, then ``active`` or ``declined``; ``left`` when it leaves."""

    __tablename__ = "network_member"
    __table_args__ = (UniqueConstraint("network_id", "firm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="invited", index=True)
    agrees_to_share: Mapped[bool] = mapped_column(default=False)
    invited_at: Mapped[datetime]
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    responded_at: Mapped[datetime | None]
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    network: Mapped[Network] = relationship(back_populates="members")
    firm: Mapped[Firm] = relationship()


class MemberPart(Base):
    """A member firm's part of a joint plan."""

    __tablename__ = "member_part"
    __table_args__ = (UniqueConstraint("plan_id", "firm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # counts the saves of the part: a form built at one revision is stale once another save moved it on
    revision: Mapped[int] = mapped_column(default=1, server_default="1")

    firm: Mapped[Firm] = relationship()
    categories: Mapped[list[PartCategory]] = relationship(
        cascade="all, delete-orphan", order_by="PartCategory.position"
    )
    funding: Mapped[list[PartFunding]] = relationship(
        cascade="all, delete-orphan", order_by="PartFunding.position"
    )
    choices: Mapped[list[PartChoice]] = relationship(cascade="all, delete-orphan", order_by="PartChoice.id")


class PartCategory(CategoryColumns, Base):
    """A worker category of a member firm's part, with the welfare credit each worker gets."""

    __tablename__ = "part_category"
    __table_args__ = category_checks()

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("member_part.id", ondelete="CASCADE"), index=True)


class PartFunding(FundingColumns, Base):
    """A funding source of a member firm's part."""

    __tablename__ = "part_funding"
    __table_args__ = funding_checks()

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("member_part.id", ondelete="CASCADE"), index=True)


class PartChoice(Base):
    """Whether the firm offers one service of the shared basket, to how many people, and how much of it."""

    __tablename__ = "part_choice"
    __table_args__ = (UniqueConstraint("part_id", "service_code"), *choice_checks())

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("member_part.id", ondelete="CASCADE"), index=True)
    service_code: Mapped[str] = mapped_column(String(100))
    opted_in: Mapped[bool] = mapped_column(default=False)
    people: Mapped[int] = mapped_column(default=0)
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
