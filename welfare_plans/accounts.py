"""Creating accounts (shared by the CLI and the demo data)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import User

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    pass


def create_user(session: Session, *, email: str, name: str, password: str, admin: bool = False) -> User:
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise AccountError(f"{email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise AccountError(f"an account for {email} already exists")
    user = User(
        email=email,
        name=name.strip(),
        is_platform_admin=admin,
        active=True,
        created_at=datetime.now(UTC).replace(tzinfo=None),
    )
    user.set_password(password)
    session.add(user)
    session.commit()
    return user
