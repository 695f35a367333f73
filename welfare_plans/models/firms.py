"""Firms, the people who work on their plans, and invitations to join."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base

if TYPE_CHECKING:
    from .accounts import User


class Firm(Base):
    __tablename__ = "firm"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    vat_number: Mapped[str] = mapped_column(String(11), unique=True)
    ateco_code: Mapped[str | None] = mapped_column(String(10))
    size_class: Mapped[str | None] = mapped_column(String(10))
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    national_contract: Mapped[str | None] = mapped_column(String(200))
    has_union_representation: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    categories: Mapped[list[WorkerCategory]] = relationship(
        back_populates="firm", cascade="all, delete-orphan", order_by="WorkerCategory.position"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="firm", cascade="all, delete-orphan")

    @property
    def headcount(self) -> int:
        return sum(category.headcount for category in self.categories)


class WorkerCategory(Base):
    """A category of workers (by contract type, level...): plans grant benefits to categories, never to people."""

    __tablename__ = "worker_category"
    __table_args__ = (UniqueConstraint("firm_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    headcount: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)

    firm: Mapped[Firm] = relationship(back_populates="categories")


class Membership(Base):
    """A user's role in a firm: ``hr_manager`` edits the firm's plans, ``viewer`` reads them."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "firm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    firm: Mapped[Firm] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class Invitation(Base):
    """A link an administrator sends so someone can create their account or join a firm; only its hash is
    stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(20))
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    # revoked by a person, or superseded by a newer invitation or by the person's removal from the firm
    revoked_at: Mapped[datetime | None]

    firm: Mapped[Firm | None] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        """Not accepted, not revoked (expiry is the caller's question: it needs the clock)."""
        return self.accepted_at is None and self.revoked_at is None
