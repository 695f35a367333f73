"""Accounts: creating them, throttling sign-in attempts, invitations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from flask_login import UserMixin
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from .models import Invitation, LoginFailure, Membership, User
from .models.accounts import HasRoles

# a firm member's role: HR managers change the firm's plans and parts, viewers read them
HR_MANAGER = "hr_manager"
VIEWER = "viewer"
MIN_PASSWORD_LENGTH = 10
INVITATION_DAYS = 7


class AccountError(ValueError):
    pass


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def create_user(session: Session, *, email: str, name: str, password: str, admin: bool = False) -> User:
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise AccountError(f"{email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise AccountError(f"an account for {email} already exists")
    user = User(email=email, name=name.strip(), is_platform_admin=admin, active=True, created_at=utcnow())
    user.set_password(password)
    session.add(user)
    session.commit()
    return user


def add_membership(session: Session, user: User, firm_id: int, role: str) -> Membership:
    membership = next((m for m in user.memberships if m.firm_id == firm_id), None)
    if membership is None:
        membership = Membership(firm_id=firm_id, role=role)
        user.memberships.append(membership)
    membership.role = role
    session.flush()
    return membership


# -- throttling --------------------------------------------------------------------------------------------
def locked_out(
    session: Session, email: str, remote_addr: str, *, max_failures: int, window: timedelta
) -> bool:
    """Too many recent failures for this e-mail, or many more from this address (a guessing script)."""
    since = utcnow() - window
    by_email = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.email == email, LoginFailure.at >= since)
    )
    by_address = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.remote_addr == remote_addr, LoginFailure.at >= since)
    )
    return by_email >= max_failures or by_address >= max_failures * 4


def record_failure(session: Session, email: str, remote_addr: str) -> None:
    session.add(LoginFailure(email=email, remote_addr=remote_addr, at=utcnow()))
    # keep the table small: failures older than a day say nothing any more
    session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - timedelta(days=1)))
    session.commit()


def clear_failures(session: Session, email: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    session.commit()


# -- invitations -------------------------------------------------------------------------------------------
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    session: Session,
    *,
    email: str,
    invited_by: User,
    firm_id: int | None = None,
    role: str | None = None,
    admin: bool = False,
) -> str:
    """Create an invitation and return its secret token (shown once, to be sent to the person)."""
    token = secrets.token_urlsafe(32)
    session.add(
        Invitation(
            email=email.strip().lower(),
            token_hash=_digest(token),
            firm_id=firm_id,
            role=role,
            is_platform_admin=admin,
            invited_by_id=invited_by.id,
            created_at=utcnow(),
            expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
        )
    )
    session.commit()
    return token


def find_invitation(session: Session, token: str) -> Invitation | None:
    """The open invitation for ``token``: not accepted and not expired."""
    return session.scalar(
        select(Invitation).where(
            Invitation.token_hash == _digest(token),
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )


def accept_invitation(session: Session, invitation: Invitation, user: User) -> None:
    if invitation.firm_id is not None:
        add_membership(session, user, invitation.firm_id, invitation.role or VIEWER)
    if invitation.is_platform_admin:
        user.is_platform_admin = True
    invitation.accepted_at = utcnow()
    session.commit()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


class Role(NamedTuple):
    firm_id: int
    role: str


class SignedInUser(HasRoles, UserMixin):
    """The person behind a request, read with one plain query and no ORM object: every request needs it,
    and most only ask who it is and what it may do. A page that changes the account loads its ``User``."""

    def __init__(self, id: int, email: str, name: str, is_platform_admin: bool, active: bool,
                 memberships: tuple[Role, ...]) -> None:  # fmt: skip
        self.id, self.email, self.name = id, email, name
        self.is_platform_admin, self.active, self.memberships = is_platform_admin, active, memberships

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def __repr__(self) -> str:
        return f"<SignedInUser {self.id} {self.email}>"


# built once: building a statement costs more than running it from SQLAlchemy's compiled cache
_SIGNED_IN = (
    select(
        User.id,
        User.email,
        User.name,
        User.is_platform_admin,
        User.active,
        Membership.firm_id,
        Membership.role,
    )
    .outerjoin(Membership, Membership.user_id == User.id)
    .where(User.id == bindparam("user_id"))
    .order_by(Membership.id)
)


def signed_in_user(session: Session, user_id: int) -> SignedInUser | None:
    """The account ``user_id`` with its roles, in one query (None when there is no such account)."""
    rows = session.connection().execute(_SIGNED_IN, {"user_id": user_id}).all()
    if not rows:
        return None
    first = rows[0]
    roles = tuple(Role(row.firm_id, row.role) for row in rows if row.firm_id is not None)
    return SignedInUser(first.id, first.email, first.name, first.is_platform_admin, first.active, roles)
