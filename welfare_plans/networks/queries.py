"""What a user finds of networks: the networks they coordinate or belong to, and a network's plans."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Network, NetworkCoordinator, NetworkMember, Plan
from .policy import network_role


def visible_networks(session: Session, user) -> list[Network]:
    """The networks the user coordinates or whose members (or invitees) include one of the user's firms."""
    coordinated = select(NetworkCoordinator.network_id).where(NetworkCoordinator.user_id == user.id)
    joined = select(NetworkMember.network_id).where(
        NetworkMember.firm_id.in_(user.firm_ids), NetworkMember.status.in_(("invited", "active"))
    )
    return list(
        session.scalars(
            select(Network).where(Network.id.in_(coordinated) | Network.id.in_(joined)).order_by(Network.name)
        )
    )


def network_plans(session: Session, networks: list[Network]) -> list[Plan]:
    """The joint plans of the given networks, by network name, newest year first."""
    ids = [network.id for network in networks]
    return list(
        session.scalars(
            select(Plan)
            .join(Network, Network.id == Plan.network_id)
            .where(Plan.network_id.in_(ids))
            .order_by(Network.name, Plan.fiscal_year.desc(), Plan.title, Plan.version)
        )
    )


def joint_plans_for(session: Session, user) -> list[Plan]:
    """The joint plans the user can open (as a coordinator or an active member), by network, newest first."""
    mine = [n for n in visible_networks(session, user) if network_role(user, n) in ("coordinator", "member")]
    return network_plans(session, mine)
