"""The built-in renderer: the plan document as PDF/A (or tagged PDF/UA) with WeasyPrint.

Another plugin can replace it by implementing ``render_plan`` and returning a document first.
"""

from __future__ import annotations

from datetime import date

from flask import render_template

from ..domain.document import DocumentSection, RenderedDocument
from ..domain.plan import WelfarePlan
from ..hookspecs import hookimpl

template_folder = "templates/pdf_renderer"


def document_html(plan: WelfarePlan, language: str, sections: list[DocumentSection]) -> str:
    """The whole document as HTML: cover, table of contents, sections."""
    return render_template(
        "pdf_renderer/plan.html", plan=plan, language=language, sections=sections, generated_on=date.today()
    )


@hookimpl
def render_plan(
    plan: WelfarePlan, language: str, sections: list[DocumentSection], variant: str
) -> RenderedDocument:
    from ..pdf import (
        html_to_pdf,
    )  # WeasyPrint is imported where it is used: workers that never render skip it

    return RenderedDocument(content=html_to_pdf(document_html(plan, language, sections), variant=variant))
