"""SQLAlchemy mapped classes, one module per aggregate."""

from .accounts import User
from .audit import AuditEvent
from .catalog import (
    CatalogProvider,
    CatalogService,
    CatalogState,
    CatalogTransfer,
    ServiceArea,
    ServiceBeneficiary,
)
from .firms import Firm, Invitation, Membership, WorkerCategory
from .jobs import Job, JobUnit
from .networks import (
    MemberPart,
    Network,
    NetworkCoordinator,
    NetworkMember,
    PartCategory,
    PartChoice,
    PartFunding,
)
from .plans import Plan, PlanCategory, PlanChange, PlanFunding, PlanItem, PlanPartner

__all__ = [
    "AuditEvent",
    "CatalogProvider",
    "CatalogService",
    "CatalogState",
    "CatalogTransfer",
    "Firm",
    "Invitation",
    "Job",
    "JobUnit",
    "MemberPart",
    "Membership",
    "Network",
    "NetworkCoordinator",
    "NetworkMember",
    "PartCategory",
    "PartChoice",
    "PartFunding",
    "Plan",
    "PlanCategory",
    "PlanChange",
    "PlanFunding",
    "PlanItem",
    "PlanPartner",
    "ServiceArea",
    "ServiceBeneficiary",
    "User",
    "WorkerCategory",
]
