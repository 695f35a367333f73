"""SME networks: membership, joint plans, member parts, the roll-up to the network and pooled demand.

Who may do what is decided here, in plain functions of a user and an object, so that the web layer and
the tests ask the same questions:

- a network's *coordinators* manage it, compose its joint plans and see every member's part;
- the people of an *active member firm* see the network, its joint plans, their own part and the
  network's totals; they see other members' parts only while the sharing policy is in force (proposed by
  a coordinator and agreed by every active member);
- a firm that leaves keeps its parts of plans already final; it drops out of the network's drafts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .domain import N_
from .domain.network import MemberAnnex, MemberChoice, NetworkKind
from .domain.plan import CategoryBudget, FundingKind, FundingSource, LegalBasis, WelfarePlan
from .models import (
    Firm,
    MemberPart,
    Network,
    NetworkCoordinator,
    NetworkMember,
    PartCategory,
    PartChoice,
    Plan,
    User,
)
from .plans import municipality_label, now, record_change, to_domain_shared

HR_MANAGER = "hr_manager"


class NetworkError(ValueError):
    """An action the network's state does not allow; the message is a translatable template."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params


# -- networks and their members ----------------------------------------------------------------------------
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
    return next((member for member in network.members if member.firm_id == firm_id), None)


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
    member = membership(network, firm_id)
    if member is None or member.status != "active":
        raise NetworkError(N_("This firm is not a member of the network."))
    if agrees and not network.sharing_proposed:
        raise NetworkError(N_("The coordinators have not proposed sharing the parts."))
    member.agrees_to_share = agrees


# -- who may see what --------------------------------------------------------------------------------------
def is_coordinator(user: User, network: Network) -> bool:
    return any(coordinator.user_id == user.id for coordinator in network.coordinators)


def member_firm_ids(user: User, network: Network, statuses=("active",)) -> list[int]:
    """The user's firms that are members of the network (in the given statuses)."""
    mine = set(user.firm_ids)
    return [
        member.firm_id for member in network.members if member.firm_id in mine and member.status in statuses
    ]


def network_role(user: User, network: Network) -> str | None:
    """``coordinator``, ``member``, ``invited`` (may only see the invitation) or None."""
    if is_coordinator(user, network):
        return "coordinator"
    if member_firm_ids(user, network):
        return "member"
    if member_firm_ids(user, network, ("invited",)):
        return "invited"
    return None


def plan_role(user: User, plan: Plan) -> str | None:
    """For a joint plan: ``coordinator``, ``member`` (an active member, or a firm with a part in it) or None."""
    network = plan.network
    if is_coordinator(user, network):
        return "coordinator"
    if member_firm_ids(user, network) or any(part.firm_id in user.firm_ids for part in counted_parts(plan)):
        return "member"
    return None


def can_see_part(user: User, plan: Plan, firm_id: int) -> bool:
    if is_coordinator(user, plan.network):
        return True
    if firm_id in user.firm_ids:
        return plan_role(user, plan) is not None
    return plan_role(user, plan) == "member" and plan.network.sharing_in_force


def can_edit_part(user: User, plan: Plan, firm_id: int) -> bool:
    return (
        plan.editable
        and user.role_in(firm_id) == HR_MANAGER
        and membership(plan.network, firm_id) is not None
        and membership(plan.network, firm_id).status == "active"
    )


def visible_networks(session: Session, user: User) -> list[Network]:
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


def joint_plans_for(session: Session, user: User) -> list[Plan]:
    """The joint plans the user can open, newest year first."""
    ids = [
        n.id for n in visible_networks(session, user) if network_role(user, n) in ("coordinator", "member")
    ]
    return list(
        session.scalars(
            select(Plan)
            .join(Network, Network.id == Plan.network_id)
            .where(Plan.network_id.in_(ids))
            .order_by(Network.name, Plan.fiscal_year.desc(), Plan.title, Plan.version)
        )
    )


# -- joint plans -------------------------------------------------------------------------------------------
def create_joint_plan(session: Session, network: Network, user: User, title: str, fiscal_year: int) -> Plan:
    """A draft joint plan for the network, on its territory, resting on a territorial agreement."""
    plan = Plan(
        network=network,
        network_id=network.id,
        title=title,
        fiscal_year=fiscal_year,
        period_start=date(fiscal_year, 1, 1),
        period_end=date(fiscal_year, 12, 31),
        legal_basis=LegalBasis.TERRITORIAL_AGREEMENT.value,
        created_at=now(),
        updated_at=now(),
        created_by_id=user.id,
        needs=[],
        territory_municipalities=list(network.territory_municipalities),
        territory_provinces=list(network.territory_provinces),
        open_to_member_employees=False,
    )
    session.add(plan)
    session.flush()
    plan.lineage_id = plan.id
    record_change(session, plan, user, "created", {})
    return plan


def part_of(plan: Plan, firm_id: int) -> MemberPart | None:
    return next((part for part in plan.parts if part.firm_id == firm_id), None)


def start_part(session: Session, plan: Plan, firm: Firm, user: User | None) -> MemberPart:
    """The firm's part of the plan, created from its worker categories the first time it is opened."""
    part = part_of(plan, firm.id)
    if part is not None:
        return part
    part = MemberPart(
        firm_id=firm.id,
        firm=firm,
        updated_at=now(),
        updated_by_id=user.id if user else None,
        categories=[
            PartCategory(
                position=i, name=c.name, headcount=c.headcount, included=True, credit_per_worker=Decimal("0")
            )
            for i, c in enumerate(firm.categories)
        ],  # fmt: skip
    )
    plan.parts.append(part)
    session.flush()
    return part


def set_choices(plan: Plan, part: MemberPart, choices: dict[str, tuple[bool, int, Decimal]]) -> None:
    """Record the firm's choice for services of the shared basket: ``code: (opted_in, people, quantity)``.
    Rows are updated in place (one per service); codes not in the basket are ignored."""
    codes = {item.service_code for item in plan.items}
    existing = {choice.service_code: choice for choice in part.choices}
    for code, (opted_in, people, quantity) in choices.items():
        if code not in codes:
            continue
        choice = existing.get(code)
        if choice is None:
            choice = PartChoice(service_code=code)
            part.choices.append(choice)
        choice.opted_in, choice.people, choice.quantity = opted_in, people, quantity


def counted_parts(plan: Plan) -> list[MemberPart]:
    """The parts that make up the plan: in a draft, those of active members; once final, all of them."""
    if not plan.editable:
        return list(plan.parts)
    active = {member.firm_id for member in plan.network.active_members}
    return [part for part in plan.parts if part.firm_id in active]


def annex(plan: Plan, part: MemberPart | None, firm: Firm | None = None) -> MemberAnnex:
    """A member's part as a value; a firm that has not started its part gets an empty annex."""
    firm = part.firm if part is not None else firm
    items = {item.service_code: item for item in plan.items}
    choices = {choice.service_code: choice for choice in part.choices} if part else {}
    return MemberAnnex(
        firm_name=firm.legal_name,
        vat_number=firm.vat_number,
        municipality=municipality_label(firm.municipality_code),
        categories=tuple(
            CategoryBudget(c.name, c.headcount, c.included, Decimal(c.credit_per_worker))
            for c in (part.categories if part else ())
        ),
        funding=tuple(
            FundingSource(FundingKind(f.kind), Decimal(f.amount), f.note)
            for f in (part.funding if part else ())
        ),
        choices=tuple(
            MemberChoice(
                service_code=code,
                name=item.name,
                provider=item.provider_name,
                need_area=item.need_area,
                price=Decimal(item.price),
                unit=item.unit,
                opted_in=bool(choices.get(code) and choices[code].opted_in),
                people=choices[code].people if code in choices else 0,
                quantity=Decimal(choices[code].quantity) if code in choices else Decimal("0"),
            )
            for code, item in items.items()
        ),
        started=part is not None,
    )


def annexes(plan: Plan) -> tuple[MemberAnnex, ...]:
    """One annex per counted part, by firm name."""
    return tuple(
        sorted((annex(plan, part) for part in counted_parts(plan)), key=lambda a: a.firm_name.lower())
    )


def joint_domain(plan: Plan) -> WelfarePlan:
    """The joint plan rolled up to the network: every member's categories and funding, the basket's
    quantities summed over the members that offer each service, and one annex per member."""
    shared = to_domain_shared(plan)
    members = annexes(plan)
    quantities: dict[str, Decimal] = {}
    for member in members:
        for choice in member.offered:
            quantities[choice.service_code] = (
                quantities.get(choice.service_code, Decimal("0")) + choice.quantity
            )
    network = plan.network
    return replace(
        shared,
        categories=tuple(
            replace(category, name=f"{member.firm_name} – {category.name}")
            for member in members
            for category in member.categories
        ),
        funding=shared.funding
        + tuple(
            replace(source, note=f"{member.firm_name}{' – ' + source.note if source.note else ''}")
            for member in members
            for source in member.funding
        ),
        basket=tuple(
            replace(item, quantity=quantities.get(item.service_code, Decimal("0"))) for item in shared.basket
        ),
        firm_name=network.coordinating_body,
        network_name=network.name,
        network_kind=network.kind,
        coordinating_body=network.coordinating_body,
        open_to_member_employees=plan.open_to_member_employees,
        annexes=members,
    )


def member_domain(plan: Plan, member: MemberAnnex) -> WelfarePlan:
    """The plan as it applies to one member firm (given as its annex): the shared parts with the firm's
    figures and choices. The checks of ``validate_plan`` run on it, so a firm sees its own part's problems."""
    shared = to_domain_shared(plan)
    offered = {choice.service_code: choice for choice in member.offered}
    return replace(
        shared,
        categories=member.categories,
        funding=member.funding,
        basket=tuple(
            replace(item, quantity=offered[item.service_code].quantity)
            for item in shared.basket
            if item.service_code in offered
        ),
        firm_name=member.firm_name,
        firm_vat_number=member.vat_number,
        firm_municipality=member.municipality,
        network_name=plan.network.name,
        network_kind=plan.network.kind,
        coordinating_body=plan.network.coordinating_body,
        open_to_member_employees=plan.open_to_member_employees,
    )


def members_by_firm(plan: Plan) -> list[tuple[Firm, MemberPart | None]]:
    """Each active member firm (or, for a final plan, each firm with a part) with its part, by name."""
    firms = {part.firm_id: part.firm for part in counted_parts(plan)}
    if plan.editable:
        for member in plan.network.active_members:
            firms.setdefault(member.firm_id, member.firm)
    return sorted(
        ((firm, part_of(plan, firm.id)) for firm in firms.values()), key=lambda p: p[0].legal_name.lower()
    )
