"""Accounts: creating them, the password policy, ending sessions, invitations and their revocation.

Sign-in throttling is the web layer's (``web/throttle.py``, on Flask-Limiter); what is kept of sign-ins is
the audit log (``welfare_plans.audit``)."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import NamedTuple

from flask_login import UserMixin
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, selectinload
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from .domain import N_
from .models import Invitation, Membership, User
from .models.accounts import HasRoles

# a firm member's role: HR managers change the firm's plans and parts, viewers read them
HR_MANAGER = "hr_manager"
VIEWER = "viewer"
MIN_PASSWORD_LENGTH = 10
MIN_PASSWORD_SCORE = 3  # zxcvbn's 0-4: 3 is "safely unguessable", about 10^8 guesses and more
MAX_ESTIMATED_LENGTH = 100  # zxcvbn's time grows with the length; what lies beyond adds strength anyway
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


# -- passwords and sessions ---------------------------------------------------------------------------------
def password_problem(password: str, *, user_inputs: Sequence[str] = ()) -> str | None:
    """Why ``password`` may not be chosen (a translatable message), or None. Strength is zxcvbn's estimate
    of how many guesses it takes, the person's own e-mail and name counting as known words."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("At least 10 characters.")
    values = [value.lower() for value in user_inputs if value]
    words = values + [part for value in values for part in re.split(r"[^\w]+", value) if part]
    if zxcvbn(password[:MAX_ESTIMATED_LENGTH], user_inputs=words)["score"] < MIN_PASSWORD_SCORE:
        return N_("This password is too easy to guess: make it longer, with words that do not go together.")
    return None


def check_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s; for no user (an unknown e-mail), as slow as for a real one, so the
    time of an answer does not tell whether an account exists."""
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return user.check_password(password)


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))  # the same scheme and cost as real hashes


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of ``user``: they carry the generation moved on here."""
    user.session_generation = (user.session_generation or 0) + 1


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
    """Create an invitation and return its secret token (shown once, to be sent to the person); it
    supersedes the person's open invitations to the same firm."""
    token = secrets.token_urlsafe(32)
    # the newest invitation is the one that counts: older open ones for the same grant stop working
    revoke_invitations(session, email, firm_id=firm_id, admin=admin)
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
    """The open invitation for ``token``: not accepted, not revoked or superseded, not expired."""
    return session.scalar(
        select(Invitation).where(
            Invitation.token_hash == _digest(token),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )


def open_invitations(session: Session, firm_id: int) -> Sequence[Invitation]:
    """A firm's invitations still waiting to be accepted, newest first."""
    return session.scalars(
        select(Invitation)
        .where(
            Invitation.firm_id == firm_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .options(selectinload(Invitation.invited_by))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).all()


def revoke_invitations(session: Session, email: str, *, firm_id: int | None, admin: bool = False) -> int:
    """Revoke the open invitations of ``email`` to the firm (or, with ``admin``, to administer the
    platform); returns how many. A newer invitation, accepting one or leaving the firm supersedes them."""
    query = update(Invitation).where(
        func.lower(Invitation.email) == email.strip().lower(),
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
    )
    if firm_id is not None:
        query = query.where(Invitation.firm_id == firm_id)
    else:
        query = query.where(Invitation.firm_id.is_(None), Invitation.is_platform_admin.is_(admin))
    return session.execute(
        query.values(revoked_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount


def revoke_invitation(session: Session, invitation: Invitation) -> None:
    """Revoke one invitation: its link stops working."""
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = utcnow()
    session.flush()


def accept_invitation(session: Session, invitation: Invitation, user: User) -> None:
    """Grant what the invitation grants; any other open invitation of the person to the same firm goes."""
    if invitation.firm_id is not None:
        add_membership(session, user, invitation.firm_id, invitation.role or VIEWER)
    if invitation.is_platform_admin:
        user.is_platform_admin = True
    invitation.accepted_at = utcnow()
    session.flush()
    revoke_invitations(
        session, invitation.email, firm_id=invitation.firm_id, admin=invitation.is_platform_admin
    )
    session.commit()


def remove_membership(session: Session, membership: Membership) -> None:
    """Take the person out of the firm, and void the open invitations that would let them back in."""
    revoke_invitations(session, membership.user.email, firm_id=membership.firm_id)
    session.delete(membership)
    session.flush()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


class Role(NamedTuple):
    firm_id: int
    role: str


class SignedInUser(HasRoles, UserMixin):
    """The person behind a request, read with one plain query and no ORM object: every request needs it,
    and most only ask who it is and what it may do. A page that changes the account loads its ``User``."""

    def __init__(self, id: int, email: str, name: str, is_platform_admin: bool, active: bool,
                 memberships: tuple[Role, ...], session_generation: int = 0) -> None:  # fmt: skip
        self.id, self.email, self.name = id, email, name
        self.is_platform_admin, self.active, self.memberships = is_platform_admin, active, memberships
        self.session_generation = session_generation

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
        User.session_generation,
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
    return SignedInUser(first.id, first.email, first.name, first.is_platform_admin, first.active, roles,
                        first.session_generation)  # fmt: skip


def user_for_session(session: Session, session_id: str) -> SignedInUser | None:
    """The active account a session or remember-me cookie names (``<id>.<generation>``, see
    ``HasRoles.get_id``), or None when the account is gone or switched off, or the generation has moved on."""
    user_id, _, generation = session_id.partition(".")
    if not (user_id.isdigit() and generation.isdigit()):
        return None  # malformed, or a cookie from before generations
    user = signed_in_user(session, int(user_id))
    if user is None or not user.is_active or user.session_generation != int(generation):
        return None
    return user
