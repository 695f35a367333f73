"""People who sign in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import Base

if TYPE_CHECKING:
    from .firms import Membership


class HasRoles:
    """What a signed-in person may do in firms, from ``memberships`` (items with ``firm_id`` and ``role``),
    and the id Flask-Login keeps in the session and the remember-me cookie."""

    id: int
    session_generation: int
    memberships: Sequence

    def get_id(self) -> str:
        """``<id>.<session generation>``: a session or remember-me cookie carries the generation it was
        issued under, and stops working when the account's generation moves on (sign-out, password)."""
        return f"{self.id}.{self.session_generation}"

    def role_in(self, firm_id: int) -> str | None:
        """``hr_manager``, ``viewer`` or None when the user does not belong to the firm."""
        return next((m.role for m in self.memberships if m.firm_id == firm_id), None)

    @property
    def firm_ids(self) -> list[int]:
        return [membership.firm_id for membership in self.memberships]


class User(HasRoles, UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    # moved on by signing out, changing the password, "sign out everywhere": older sessions stop working
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def set_password(self, password: str) -> None:
        # werkzeug's default is scrypt, a memory-hard scheme
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
