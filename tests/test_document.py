"""The plan document: what a reader finds in the PDF, archival flags, the cache, and the hooks."""

import io
import re
import shutil
import subprocess

import pypdf
import pytest
from helpers import ARTIFACTS, login
from PIL import Image, ImageOps
from sqlalchemy import select

from welfare_plans import DocumentSection, RenderedDocument, documents, hookimpl
from welfare_plans.builtin.plan_document import SECTIONS
from welfare_plans.db import db_session
from welfare_plans.demo import DEMO_HR, load_demo
from welfare_plans.models import Plan
from welfare_plans.plans import to_domain
from welfare_plans.plugins import PluginRecord


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo(app)
        plan = db_session().scalar(select(Plan).where(Plan.firm_id.is_not(None)))  # the firm's own plan
        return {"id": plan.id, "domain": to_domain(plan)}


def pages_text(content: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def euro(amount) -> str:
    """An amount as the Italian document writes it: 31.800,00"""
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents


def test_the_pdf_says_everything_the_plan_says(app, demo):
    plan = demo["domain"]
    content = documents.render(app, plan, "it").content
    pages = pages_text(content)
    text = " ".join(pages)
    assert plan.title in pages[0] and plan.firm_name in pages[0]
    for _key, title in SECTIONS:
        with app.test_request_context(), __import__("flask_babel").force_locale("it"):
            assert str(title) in text, title
    assert (
        "Condizioni delle coperture della Società di Mutuo Soccorso Pinerolese" in text
    )  # a provider's section
    for item in plan.basket:
        assert item.name in text, item.name
        assert f"{euro(item.price)} €" in text, item.price
        assert f"{euro(item.budget)} €" in text
    assert f"{euro(plan.total_budget)} €" in text and f"{euro(plan.funding_total)} €" in text
    assert f"{euro(plan.basket_total)} €" in text
    assert f"Pagina 2 di {len(pages)}" in pages[1]


def test_the_table_of_contents_gives_the_page_each_section_starts_on(app, demo):
    content = documents.render(app, demo["domain"], "it").content
    pages = pages_text(content)
    contents_page = pypdf.PdfReader(io.BytesIO(content)).pages[1].extract_text().splitlines()
    entries = [
        m.groups() for line in contents_page if (m := re.match(r"(\d+)\. (.+?) ?\.{3,} ?(\d+)$", line))
    ]
    # the core's sections, the mutual society's coverage terms and the tax rules' section
    assert len(entries) == len(SECTIONS) + 2
    for number, title, page in entries:
        heading = f"{number}. {title.strip()}"
        assert heading in pages[int(page) - 1], f"{heading!r} is not on page {page}"


def test_english_on_request(app, demo):
    text = " ".join(pages_text(documents.render(app, demo["domain"], "en").content))
    assert "Preamble and legal basis" in text and "Basket of services" in text
    assert "Coverage terms of the Pinerolo Mutual Aid Society" in text
    assert f"€{demo['domain'].total_budget:,.2f}" in text  # English writes amounts the English way


def test_archival_pdf_a_by_default_and_tagged_pdf_ua_on_request(app, demo):
    reader = pypdf.PdfReader(io.BytesIO(documents.render(app, demo["domain"], "it").content))
    assert reader.metadata.title == demo["domain"].title
    assert reader.metadata.author == demo["domain"].firm_name
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="U"' in xmp  # PDF/A-3u
    assert reader.trailer["/Root"]["/Lang"] == "it"
    tagged = pypdf.PdfReader(io.BytesIO(documents.render(app, demo["domain"], "it", "pdf/ua-1").content))
    assert "/StructTreeRoot" in tagged.trailer["/Root"]
    assert tagged.trailer["/Root"]["/MarkInfo"]["/Marked"]


def test_a_document_is_rendered_once_and_then_served_from_the_cache(app, demo, monkeypatch):
    calls = []
    real_render = documents.render
    monkeypatch.setattr(documents.rendering, "render", lambda *args: calls.append(args) or real_render(*args))
    client = app.test_client()
    login(client, DEMO_HR["email"], DEMO_HR["password"])
    url = f"/plans/{demo['id']}/document.pdf?download=1"
    with client.get(url) as first, client.get(url) as second:
        assert first.status_code == second.status_code == 200
        assert first.mimetype == "application/pdf" and first.data == second.data
        assert "Piano-di-welfare-aziendale-2026-v1-it.pdf" in first.headers["Content-Disposition"]
    assert len(calls) == 1
    with client.get(f"/plans/{demo['id']}/document.pdf?lang=en") as english:
        assert english.status_code == 200
    assert len(calls) == 2  # another language is another document


def test_cli_lists_plans_and_renders_one(app, demo, tmp_path):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["plans", "list", "--json"])
    firm_plan, joint_plan = __import__("json").loads(listed.output)
    assert firm_plan == {"id": demo["id"], "firm": "Officine Meccaniche Val Chisone S.r.l.", "network": None,
                         "title": "Piano di welfare aziendale 2026", "year": 2026, "status": "final", "version": 1}  # fmt: skip
    assert (
        joint_plan["firm"] is None
        and joint_plan["network"] == "Patto per il welfare territoriale del Pinerolese"
    )
    target = tmp_path / "piano.pdf"
    result = runner.invoke(args=["plans", "render", str(demo["id"]), "--output", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Preamble and legal basis" in " ".join(pages_text(target.read_bytes()))


class ExtraSection:
    @hookimpl
    def plan_document_sections(self, plan, language):
        return [
            DocumentSection("extra", "Sezione aggiunta da un plugin", "<p>Testo del plugin.</p>", position=15)
        ]


def test_hook_plan_document_sections(app, demo):
    app.extensions["welfare_plans.plugins"].register(PluginRecord("extra", "local"), ExtraSection())
    pages = pages_text(documents.render(app, demo["domain"], "it").content)
    assert "2. Sezione aggiunta da un plugin" in pages[1]  # between the preamble (10) and the purpose (20)
    assert "Testo del plugin." in " ".join(pages)


class HouseStyle:
    @hookimpl
    def render_plan(self, plan, language, sections, variant):
        return RenderedDocument(content=f"{plan.title}|{language}|{len(sections)}".encode(), media_type="text/plain",
                                extension="txt")  # fmt: skip


def test_hook_render_plan(app, demo):
    app.extensions["welfare_plans.plugins"].register(PluginRecord("house-style", "local"), HouseStyle())
    document = documents.render(app, demo["domain"], "en")
    assert document.content == b"Piano di welfare aziendale 2026|en|14"
    assert document.media_type == "text/plain"


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (Debian's poppler-utils) is not installed"
)
def test_pages_are_kept_as_pictures_to_look_at(app, demo):
    """The cover, budget and basket pages are saved for a person to check, once they pass a first glance."""
    content = documents.render(app, demo["domain"], "it").content
    pages = pages_text(content)
    wanted = {"cover": 1}
    # after the cover and the contents, which name every section too
    for name, heading in (
        ("budget", r"\d+\. Budget e finanziamento"),
        ("basket", r"\d+\. Paniere dei servizi"),
    ):
        wanted[name] = next(i for i, text in enumerate(pages[2:], 3) if re.search(heading, text))
    assert len(set(wanted.values())) == 3
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / "demo-plan.pdf"
    source.write_bytes(content)
    pictures = []
    for name, page in wanted.items():
        subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                        str(source), str(ARTIFACTS / f"document-{name}")], check=True)  # fmt: skip
        with Image.open(ARTIFACTS / f"document-{name}.png") as picture:
            page_picture = picture.convert("L")
        pictures.append(page_picture.tobytes())
        assert_a_printed_a4_page(name, page_picture)
    assert len(set(pictures)) == 3  # three different pages, not one saved three times


DPI = 80


def mm(pixels: int) -> float:
    return pixels / DPI * 25.4


def assert_a_printed_a4_page(name: str, page: Image.Image) -> None:
    """What a person sees at a glance: an upright A4 sheet, some text on it, nothing run off its edges."""
    assert abs(mm(page.width) - 210) < 0.5 and abs(mm(page.height) - 297) < 0.5, (name, page.size)
    histogram = page.histogram()
    ink = sum(histogram[:128]) / (page.width * page.height)  # dark pixels: the letters
    assert 0.005 < ink < 0.3, (name, ink)  # neither blank nor one dark block
    left, top, right, bottom = ImageOps.invert(page).getbbox()  # everything that is not white paper
    assert min(mm(left), mm(page.width - right)) > 15, (name, mm(left), mm(page.width - right))
    assert min(mm(top), mm(page.height - bottom)) > 5, (name, mm(top), mm(page.height - bottom))


def test_the_overview_links_to_the_accessible_tagged_pdf(app, demo):
    client = app.test_client()
    login(client, DEMO_HR["email"], DEMO_HR["password"])
    html = client.get(f"/plans/{demo['id']}").get_data(as_text=True)
    link = re.search(r'href="([^"]*accessible=1[^"]*)"', html).group(1).replace("&amp;", "&")
    with client.get(link) as response:
        assert response.status_code == 200
        assert "/StructTreeRoot" in pypdf.PdfReader(io.BytesIO(response.data)).trailer["/Root"]


def test_a_temporary_file_left_by_a_killed_writer_is_swept_once_the_document_exists(app, demo):
    from pathlib import Path

    folder = Path(app.config["DOCUMENTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    key = documents.cache_key(app, demo["domain"], "it", "pdf/a-3u")
    stale = folder / f".rendering-{key}-x1y2z3.pdf"  # a worker died between writing and renaming
    stale.write_bytes(b"%PDF-1.7 half a file")
    path = documents.cached_document(app, demo["domain"], "it")
    assert sorted(p.name for p in folder.iterdir()) == [path.name]
