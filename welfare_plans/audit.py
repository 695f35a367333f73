"""The audit log of security events: recording them, and reading a firm's or everyone's.

A firm reads the events of its own: roles granted and taken away, invitations, finalisations and
downloads of its plans, and the sign-ins of the people who belong to it. Administrators read all of
them, failed sign-ins of unknown e-mails included. Events are recorded in the caller's transaction, so
an action and its record are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from .clock import now
from .domain import N_
from .models import AuditEvent, Membership

SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_IN_REFUSED = "sign_in_refused"  # throttled: too many failures
SIGN_OUT = "sign_out"
SIGN_OUT_EVERYWHERE = "sign_out_everywhere"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (an event kind, not a password)
INVITATION_CREATED = "invitation_created"
INVITATION_ACCEPTED = "invitation_accepted"
INVITATION_REVOKED = "invitation_revoked"
ROLE_CHANGED = "role_changed"
MEMBER_REMOVED = "member_removed"
FIRM_IDENTITY_CHANGED = "firm_identity_changed"
PLAN_FINALISED = "plan_finalised"
DOCUMENT_DOWNLOADED = "document_downloaded"

PLATFORM_ADMIN = "platform_admin"  # the role an administrator's invitation grants, as events name it

# what each kind is called on the audit pages (translated where shown)
KINDS = {
    SIGN_IN: N_("Signed in"),
    SIGN_IN_FAILED: N_("Sign-in failed"),
    SIGN_IN_REFUSED: N_("Sign-in refused: too many failures"),
    SIGN_OUT: N_("Signed out"),
    SIGN_OUT_EVERYWHERE: N_("Signed out everywhere"),
    PASSWORD_CHANGED: N_("Password changed"),
    INVITATION_CREATED: N_("Invitation created"),
    INVITATION_ACCEPTED: N_("Invitation accepted: access granted"),
    INVITATION_REVOKED: N_("Invitation revoked"),
    ROLE_CHANGED: N_("Role changed"),
    MEMBER_REMOVED: N_("Removed from the firm"),
    FIRM_IDENTITY_CHANGED: N_("Legal name or VAT number changed"),
    PLAN_FINALISED: N_("Plan finalised"),
    DOCUMENT_DOWNLOADED: N_("Document downloaded"),
}
# the events about a person rather than a firm: a firm sees them for the people who belong to it
PERSONAL = (SIGN_IN, SIGN_IN_FAILED, SIGN_IN_REFUSED, SIGN_OUT, SIGN_OUT_EVERYWHERE, PASSWORD_CHANGED)
PAGE_SIZE = 200


def record(
    session: Session,
    kind: str,
    *,
    actor=None,
    actor_email: str | None = None,
    firm_id: int | None = None,
    plan_id: int | None = None,
    subject: str = "",
    role: str | None = None,
    remote_addr: str | None = None,
) -> AuditEvent:
    """Add an event to the session (the caller commits it with the action it records). ``actor`` is the
    person who acted (anything with ``id`` and ``email``), or None with ``actor_email`` for a failure."""
    event = AuditEvent(
        at=now(),
        kind=kind,
        actor_id=actor.id if actor is not None else None,
        actor_email=(actor.email if actor is not None else actor_email or "")[:254],
        firm_id=firm_id,
        plan_id=plan_id,
        subject=subject[:300],
        role=role,
        remote_addr=(remote_addr or None) and remote_addr[:64],
    )
    session.add(event)
    return event


def firm_events(session: Session, firm_id: int, *, limit: int = PAGE_SIZE) -> Sequence[AuditEvent]:
    """The newest events a firm reads: its own, and the sign-ins of the people who belong to it now."""
    members = select(Membership.user_id).where(Membership.firm_id == firm_id)
    return session.scalars(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.firm_id == firm_id,
                AuditEvent.kind.in_(PERSONAL) & AuditEvent.actor_id.in_(members),
            )
        )
        .options(selectinload(AuditEvent.firm))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()


def all_events(session: Session, *, kind: str | None = None, limit: int = PAGE_SIZE) -> Sequence[AuditEvent]:
    """The newest events of the whole platform (administrators), of one kind if asked."""
    query = select(AuditEvent).options(selectinload(AuditEvent.firm))
    if kind:
        query = query.where(AuditEvent.kind == kind)
    return session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)).all()


def record_download(
    session: Session, user, plan, filename: str, remote_addr: str | None = None, *, firm_id: int | None = None
) -> None:
    """Record that ``user`` downloaded a document of ``plan`` (a member firm's annex: ``firm_id`` is the
    member's, whose log shows it) and commit it at once: a download changes nothing else to commit."""
    record(session, DOCUMENT_DOWNLOADED, actor=user, firm_id=firm_id or plan.firm_id, plan_id=plan.id,
           subject=filename, remote_addr=remote_addr)  # fmt: skip
    session.commit()
