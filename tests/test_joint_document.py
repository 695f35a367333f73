"""The demo network's joint PDF, read back: one annex per member with its own figures, and network totals
that are the sums of the annexes."""

import io
import re
from decimal import Decimal

import pypdf
import pytest
from helpers import plugin_folder
from sqlalchemy import select

from welfare_plans import DocumentSection, documents, hookimpl
from welfare_plans.db import db_session
from welfare_plans.demo import DEMO_NETWORK, load_demo
from welfare_plans.models import Network, Plan
from welfare_plans.plans import to_domain
from welfare_plans.plugins import PluginRecord, get_plugins

AMOUNT = r"([\d.]+,\d\d) €"


def euro(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


def text_of(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    # running headers and footers would split a table in two: drop them before joining the pages
    pages = [re.sub(r"Piano di welfare territoriale 2026 · versione \d+.*?Pagina \d+ di \d+", " ", p.extract_text(), flags=re.S)
             for p in reader.pages]  # fmt: skip
    return " ".join(" ".join(pages).split())


@pytest.fixture
def demo_network(app):
    with app.app_context():
        load_demo(app)
        session = db_session()
        network = session.scalar(select(Network).where(Network.name == DEMO_NETWORK))
        plan = session.scalar(select(Plan).where(Plan.network_id == network.id))
        expected = {}
        for part in plan.parts:
            prices = {item.service_code: item.price for item in plan.items}
            offered = [c for c in part.choices if c.opted_in]
            expected[part.firm.vat_number] = {
                "firm": part.firm.legal_name,
                "workers": sum(c.headcount for c in part.categories if c.included),
                "budget": sum(
                    (c.headcount * c.credit_per_worker for c in part.categories if c.included), Decimal(0)
                ),
                "funding": sum((f.amount for f in part.funding), Decimal(0)),
                "basket": sum(
                    ((prices[c.service_code] * c.quantity).quantize(Decimal("0.01")) for c in offered),
                    Decimal(0),
                ),  # fmt: skip
            }
        shared_funding = sum((f.amount for f in plan.funding), Decimal(0))
        domain = to_domain(plan)
    return {"domain": domain, "expected": expected, "shared_funding": shared_funding}


def test_the_joint_pdf_has_one_annex_per_member_matching_its_part(app, demo_network):
    expected = demo_network["expected"]
    assert len(expected) >= 8
    text = text_of(documents.render(app, demo_network["domain"], "it").content)
    headings = list(
        re.finditer(r"\d+\. Allegato (\d+): (.{1,80}?) Impresa aderente", text)
    )  # not the contents
    assert len(headings) == len(expected)  # one annex per member, no more
    found = {}
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        chunk = text[heading.start() : end]
        vat = re.search(r"Partita IVA (\d{11})", chunk).group(1)
        workers, budget = re.search(rf"Lavoratori coperti (\d+) Budget dell'impresa {AMOUNT}", chunk).groups()
        funding = re.search(rf"Totale dei finanziamenti {AMOUNT}", chunk).group(1)
        basket = re.search(rf"Servizi offerti {AMOUNT}", chunk).group(1)
        assert heading.group(2) == expected[vat]["firm"]
        found[vat] = {"firm": heading.group(2), "workers": int(workers), "budget": euro(budget),
                      "funding": euro(funding), "basket": euro(basket)}  # fmt: skip
    assert found == expected

    # the network's totals, in the section on the network, are the sums of the annexes read above
    workers, budget, funding, basket = re.search(
        rf"Totale della rete (\d+) {AMOUNT} {AMOUNT} {AMOUNT}", text
    ).groups()
    assert int(workers) == sum(a["workers"] for a in found.values())
    assert euro(budget) == sum(a["budget"] for a in found.values())
    assert euro(basket) == sum(a["basket"] for a in found.values())
    # the funding total adds the network's own sources (the demo's foundation grant) to the firms'
    assert euro(funding) == sum(a["funding"] for a in found.values()) + demo_network["shared_funding"]


def test_a_members_annex_alone_says_which_plan_it_belongs_to(app, demo_network):
    domain = demo_network["domain"]
    vat, figures = next(iter(demo_network["expected"].items()))
    text = text_of(documents.render_annex(app, domain, vat, "it").content)
    assert "Allegato al piano di welfare congiunto" in text and DEMO_NETWORK in text
    assert figures["firm"] in text and f"Partita IVA {vat}" in text
    assert text.count("Impresa aderente") == 1  # just this firm's annex
    other = next(f["firm"] for v, f in demo_network["expected"].items() if v != vat)
    assert other not in text


class PlanWideNote:
    """A plugin written before annexes came through the hook: its implementation does not take annex_of."""

    @hookimpl
    def plan_document_sections(self, plan, language):
        return [
            DocumentSection("plan-wide-note", "Nota sul piano", "<p>Una nota per il piano intero.</p>", 115)
        ]


def test_an_outside_plugin_is_asked_for_a_members_annex_through_the_hook(make_app, tmp_path):
    app = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "annex_notes.py"))
    get_plugins(app).register(PluginRecord("plan-wide-note", "local"), PlanWideNote())
    with app.app_context():
        load_demo(app)
        domain = to_domain(db_session().scalar(select(Plan).where(Plan.network_id.is_not(None))))
    first, second = domain.annexes[:2]

    text = text_of(documents.render_annex(app, domain, first.vat_number, "it").content)
    assert f"Sportello welfare per i lavoratori di {first.firm_name}." in text  # the outside plugin's answer
    assert f"Partita IVA {first.vat_number}" in text and text.count("Impresa aderente") == 1  # the built-in's
    assert second.firm_name not in text
    assert "Una nota per il piano intero" not in text  # not asked: it cannot tell an annex from the plan
    with pytest.raises(LookupError):
        documents.render_annex(app, domain, "00000000000", "it")

    with app.test_request_context():
        keys = [section.key for section in documents.collect_sections(app, domain, "it")]
    assert "annex-notes" not in keys  # the whole document: the plugin adds nothing to it
    assert "plan-wide-note" in keys and {f"annex-{a.vat_number}" for a in domain.annexes} <= set(keys)
