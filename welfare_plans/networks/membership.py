"""A network's description and its member firms: invitations, answers, leaving, and the sharing policy."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, object_session

from ..clock import now
from ..domain import N_
from ..domain.network import NetworkKind
from ..models import Firm, Network, NetworkCoordinator, NetworkMember, User


class NetworkError(ValueError):
    """An action the network's state does not allow; the message is a translatable template."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params


def create_network(session: Session, user: User, **description) -> Network:
    """A new network, coordinated by ``user``; ``description`` as :func:`describe_network` takes it."""
    network = Network(created_at=now(), created_by_id=user.id)
    describe_network(network, **description)
    network.coordinators.append(NetworkCoordinator(user_id=user.id))
    session.add(network)
    session.flush()
    return network


def describe_network(
    network: Network,
    *,
    name: str,
    kind: NetworkKind | str,
    coordinating_body: str,
    description: str = "",
    municipalities: Sequence[str] = (),
    provinces: Sequence[str] = (),
) -> None:
    """Set what the network's page and the joint document say of it."""
    network.name, network.kind = name.strip(), NetworkKind(kind).value
    network.coordinating_body, network.description = coordinating_body.strip(), description
    network.territory_municipalities, network.territory_provinces = list(municipalities), list(provinces)


def membership(network: Network, firm_id: int) -> NetworkMember | None:
    """The firm's place in the network, whatever its status, or None."""
    return next((member for member in network.members if member.firm_id == firm_id), None)


def members_with_firms(network: Network) -> list[NetworkMember]:
    """The network's members with their firms loaded, for a page that names them all: two queries, not
    one for each firm."""
    members = network.members  # held here: the session keeps only what something refers to
    query = (
        select(NetworkMember)
        .where(NetworkMember.network_id == network.id)
        .options(joinedload(NetworkMember.firm))
    )
    object_session(network).scalars(query).all()
    return members


def invite(session: Session, network: Network, firm: Firm, user: User) -> NetworkMember:
    """Invite a firm; a firm that declined or left can be invited again."""
    member = membership(network, firm.id)
    if member is not None and member.status in ("invited", "active"):
        raise NetworkError(
            N_("%(firm)s is already invited to this network or a member of it."), firm=firm.legal_name
        )
    if member is None:
        member = NetworkMember(firm_id=firm.id, firm=firm, invited_at=now())
        network.members.append(member)
    member.status, member.invited_at, member.invited_by_id = "invited", now(), user.id
    member.responded_at = member.responded_by_id = None
    member.agrees_to_share = False
    session.flush()
    return member


def respond(session: Session, network: Network, firm_id: int, user: User, *, accept: bool) -> NetworkMember:
    """The firm's HR manager accepts or declines a pending invitation."""
    member = membership(network, firm_id)
    if member is None or member.status != "invited":
        raise NetworkError(N_("There is no pending invitation for this firm."))
    member.status = "active" if accept else "declined"
    member.responded_at, member.responded_by_id = now(), user.id
    session.flush()
    return member


def leave(session: Session, network: Network, firm_id: int, user: User) -> NetworkMember:
    """The firm leaves: its parts of final plans stay, its parts of drafts no longer count."""
    member = membership(network, firm_id)
    if member is None or member.status != "active":
        raise NetworkError(N_("This firm is not a member of the network."))
    member.status, member.agrees_to_share = "left", False
    member.responded_at, member.responded_by_id = now(), user.id
    session.flush()
    return member


def set_sharing_proposal(network: Network, proposed: bool) -> None:
    """A coordinator proposes (or withdraws) sharing each member's part with the other members."""
    network.sharing_proposed = proposed
    if not proposed:
        for member in network.members:
            member.agrees_to_share = False


def set_agreement(network: Network, firm_id: int, agrees: bool) -> None:
    """A member firm agrees (or no longer agrees) to the proposed sharing of the parts."""
    member = membership(network, firm_id)
    if member is None or member.status != "active":
        raise NetworkError(N_("This firm is not a member of the network."))
    if agrees and not network.sharing_proposed:
        raise NetworkError(N_("The coordinators have not proposed sharing the parts."))
    member.agrees_to_share = agrees
