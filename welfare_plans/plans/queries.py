"""What is read of plans for lists and for the overview's cache key."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Row, bindparam, select
from sqlalchemy.orm import Session

from ..models import Firm, Plan

# the versions of a plan's lineage, with the firm: what the overview's cache key is made of
_VERSIONS = (
    select(Plan.id, Plan.version, Plan.status, Plan.updated_at, Plan.firm_id, Plan.network_id,
           Firm.legal_name, Firm.vat_number, Firm.municipality_code)
    .outerjoin(Firm, Firm.id == Plan.firm_id)
    .where(Plan.lineage_id == select(Plan.lineage_id).where(Plan.id == bindparam("plan_id")).scalar_subquery())
    .order_by(Plan.version)
)  # fmt: skip


def version_rows(connection: Connection, plan_id: int) -> Sequence[Row]:
    """Plain rows (no ORM objects) of every version of the plan's lineage, with its firm, by version."""
    return connection.execute(_VERSIONS, {"plan_id": plan_id}).all()


def firms_of(session: Session, firm_ids: Sequence[int]) -> list[Firm]:
    """The given firms, by name."""
    return list(session.scalars(select(Firm).where(Firm.id.in_(firm_ids)).order_by(Firm.legal_name)))


def firm_plans(session: Session, firm_ids: Sequence[int]) -> list[Plan]:
    """Every version of the given firms' own plans, newest year first."""
    return list(
        session.scalars(
            select(Plan)
            .where(Plan.firm_id.in_(firm_ids))
            .order_by(Plan.fiscal_year.desc(), Plan.title, Plan.version)
        )
    )


def current_plan_ids(session: Session, firm: Firm) -> list[int]:
    """The firm's plans that are not archived: drafts and the final versions in force."""
    return list(
        session.scalars(
            select(Plan.id).where(Plan.firm_id == firm.id, Plan.status != "archived").order_by(Plan.id)
        )
    )
