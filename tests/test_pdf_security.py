"""The PDF renderer fetches no file and no host it was not given, attaches nothing, and prints hostile text as text."""

import io
import socket
from dataclasses import replace

import pypdf
import pytest
from sqlalchemy import select

from welfare_plans import DocumentSection, documents, hookimpl
from welfare_plans.db import db_session
from welfare_plans.demo import load_demo
from welfare_plans.domain.plan import CategoryBudget, Partner, PartnerKind
from welfare_plans.models import Plan
from welfare_plans.pdf import STATIC_URL, RefusedURL, SafeURLFetcher
from welfare_plans.plans import to_domain
from welfare_plans.plugins import PluginRecord

HOSTILE = {
    "title": '<img src="file:///etc/passwd">',
    "objectives": '<style>@import url("http://169.254.169.254/latest/meta-data/");</style> obiettivi',
    "usage_notes": '<div style="background: url(https://evil.example/track.png)">x</div>',
    "steering_committee": '<link rel="attachment" href="file:///etc/passwd"><object data="file:///etc/shadow"></object>',
    "partner": '<a rel="attachment" href="file:///etc/hosts">hosts</a>',
    "category": '<svg><image href="http://[fd00::1]/i.png"/></svg>',
}


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the renderer asks for, and no socket for anyone while it renders."""
    urls = []
    real_fetch = SafeURLFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return real_fetch(self, url, headers)

    def no_network(*args, **kwargs):
        raise AssertionError(f"the renderer opened a network connection: {args}")

    monkeypatch.setattr(SafeURLFetcher, "fetch", spy)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    return urls


@pytest.fixture
def hostile_plan(app):
    with app.app_context():
        load_demo(app)
        plan = to_domain(db_session().scalar(select(Plan)))
    return replace(
        plan,
        title=HOSTILE["title"],
        objectives=HOSTILE["objectives"],
        usage_notes=HOSTILE["usage_notes"],
        steering_committee=HOSTILE["steering_committee"],
        partners=(*plan.partners, Partner(HOSTILE["partner"], PartnerKind.OTHER, signatory=True)),
        categories=(
            *plan.categories,
            CategoryBudget(HOSTILE["category"], 1, True, plan.categories[0].credit_per_worker),
        ),
    )


def test_hostile_plan_text_is_printed_as_text_and_nothing_is_fetched_or_attached(app, hostile_plan, fetched):
    content = documents.render(app, hostile_plan, "it").content
    assert all(url.startswith(("data:", STATIC_URL)) for url in fetched), fetched
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert reader.attachments == {}
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    # compared without white space: a table cell may wrap the text anywhere
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    for value in HOSTILE.values():
        assert "".join(value.split()) in text, value
    assert reader.metadata.title == HOSTILE["title"]


class RawHTMLSection:
    """A careless plugin that puts unescaped HTML in its section: the fetcher is the second wall."""

    @hookimpl
    def plan_document_sections(self, plan, language):
        return [
            DocumentSection("raw", "Raw", "".join(HOSTILE.values()) + '<img src="/static/../../etc/passwd">')
        ]


def test_even_raw_html_from_a_plugin_reaches_no_file_and_no_host(app, hostile_plan, fetched, caplog):
    app.extensions["welfare_plans.plugins"].register(PluginRecord("raw", "local"), RawHTMLSection())
    content = documents.render(app, hostile_plan, "it").content
    refused = [url for url in fetched if not url.startswith(("data:", STATIC_URL))]
    assert any(url.startswith("file:") for url in refused)
    assert any("169.254.169.254" in url for url in refused)
    assert any("evil.example" in url for url in refused)
    assert any(record.message.startswith("PDF renderer refused to fetch") for record in caplog.records)
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert reader.attachments == {}
    assert "root:" not in " ".join(page.extract_text() for page in reader.pages)  # no /etc/passwd inside


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://evil.example/x.css",
        "http://127.0.0.1:5000/static/style.css",
        "ftp://example.org/file",
        STATIC_URL + "../__init__.py",
        STATIC_URL + "%2e%2e/%2e%2e/pdf.py",
        STATIC_URL + "does-not-exist.css",
        "https://welfare-plans.invalid/admin/plugins.json",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files_and_data(url):
    fetcher = SafeURLFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_packaged_static_files_and_data_uris():
    fetcher = SafeURLFetcher()
    css = fetcher.fetch(STATIC_URL + "document.css")
    assert css.content_type == "text/css" and b"@page" in css.read()
    assert fetcher.fetch("data:text/plain,ciao").read() == b"ciao"
