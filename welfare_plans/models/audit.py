"""The audit log: who did what that matters to security, and when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base

if TYPE_CHECKING:
    from .accounts import User
    from .firms import Firm


class AuditEvent(Base):
    """One security event: a sign-in or its failure, a role granted or taken away, an invitation created,
    accepted or revoked, a plan finalised, a document downloaded. Rows are only ever added."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # who acted; the e-mail is kept as it was (for a failed sign-in: the e-mail typed, account or not)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    # the firm whose log shows the event (None: platform events, which only administrators read)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))
    # what the event concerns, as a person reads it: an e-mail and a role, a plan's title, a file's name
    subject: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str | None] = mapped_column(String(20))  # the firm role granted, changed or taken away
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()
    firm: Mapped[Firm | None] = relationship()
