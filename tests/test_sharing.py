"""Issue 14, finding 3: a member firm's part is shown to the other members only if that firm agreed to the
sharing policy in force; leaving withdraws the agreement. A firm that never agreed and left is not read,
on a draft or on a final plan, whatever the remaining firms agreed; nor is its annex, alone or in the joint
document."""

import pytest
from helpers import form_post
from integrity_world import build, signed_in

from welfare_plans import networks
from welfare_plans.db import db_session
from welfare_plans.models import Network, Plan, User


@pytest.fixture
def world(app):
    with app.app_context():
        return build(db_session())


def agree(app, world, *names: str, propose: bool = True) -> None:
    with app.app_context():
        session = db_session()
        network = session.get(Network, world["network"])
        if propose:
            networks.set_sharing_proposal(network, True)
        for name in names:
            networks.set_agreement(network, world["firms"][name], True)
        session.commit()


def leave(app, world, name: str) -> None:
    with app.app_context():
        session = db_session()
        network = session.get(Network, world["network"])
        networks.leave(session, network, world["firms"][name], session.get(User, world["people"][name]["id"]))
        session.commit()


def finalise_joint(app, world) -> None:
    coordinator = signed_in(app, world["people"]["coordinator"])
    joint = world["joint"]
    response = form_post(coordinator, f"/plans/{joint}/finalise", {}, page=f"/plans/{joint}/review")
    assert response.status_code == 302
    with app.app_context():
        assert db_session().get(Plan, joint).status == "final"


def beta_part(world) -> str:
    return f"/plans/{world['joint']}/parts/{world['firms']['beta']}"


@pytest.mark.parametrize("final", [False, True], ids=["draft", "final"])
def test_a_firm_that_never_agreed_and_left_is_not_shown_to_the_others(app, world, final):
    if final:
        finalise_joint(app, world)  # Beta's part is in the final plan
    leave(app, world, "beta")
    agree(app, world, "alfa", "gamma")
    with app.app_context():
        assert db_session().get(Network, world["network"]).sharing_in_force  # by the remaining firms
    alfa = signed_in(app, world["people"]["alfa"])
    assert alfa.get(beta_part(world)).status_code == 404
    assert alfa.get(f"{beta_part(world)}/annex.pdf").status_code == 404
    overview = alfa.get(f"/plans/{world['joint']}").get_data(as_text=True)
    assert "Beta S.r.l." not in overview  # in the totals of a final plan, never by name
    if final:  # the joint document holds every counted part's annex: Beta's is one, so not for Alfa
        assert alfa.get(f"/plans/{world['joint']}/document.pdf").status_code == 404
        assert alfa.get(f"/plans/{world['joint']}/history").status_code == 200
    gamma_part = f"/plans/{world['joint']}/parts/{world['firms']['gamma']}"
    assert alfa.get(gamma_part).status_code == 200  # Gamma agreed: shared
    coordinator = signed_in(app, world["people"]["coordinator"])
    assert coordinator.get(beta_part(world)).status_code == 200  # the coordinators see every part on record


def test_leaving_withdraws_an_agreement_given_before(app, world):
    agree(app, world, "alfa", "beta", "gamma")
    alfa = signed_in(app, world["people"]["alfa"])
    assert alfa.get(beta_part(world)).status_code == 200  # everyone agreed: shared
    finalise_joint(app, world)
    assert alfa.get(beta_part(world)).status_code == 200
    leave(app, world, "beta")
    assert alfa.get(beta_part(world)).status_code == 404  # its agreement went with it
    assert alfa.get(f"/plans/{world['joint']}/document.pdf").status_code == 404
    beta = signed_in(app, world["people"]["beta"])  # and a firm that left sees no other part either
    assert beta.get(f"/plans/{world['joint']}/parts/{world['firms']['alfa']}").status_code == 404
    assert beta.get(beta_part(world)).status_code == 200  # its own part of the final plan stays its own


def test_the_joint_document_goes_only_to_members_who_see_every_part_in_it(app, world):
    agree(app, world, "alfa", "beta", "gamma")
    alfa = signed_in(app, world["people"]["alfa"])
    response = alfa.get(f"/plans/{world['joint']}/document.pdf?lang=it")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    assert alfa.get(response.headers["Location"]).status_code == 200  # the job page it is sent to
