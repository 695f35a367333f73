"""A plugin that adds a note to each member firm's annex printed on its own, and nothing to whole documents."""

from markupsafe import escape

from welfare_plans import DocumentSection, hookimpl


@hookimpl
def plan_document_sections(plan, language, annex_of):
    if annex_of is None:
        return []
    (annex,) = [annex for annex in plan.annexes if annex.vat_number == annex_of]
    return [
        DocumentSection(
            "annex-notes",
            "Note per i lavoratori",
            f"<p>Sportello welfare per i lavoratori di {escape(annex.firm_name)}.</p>",
            position=2000,
        )
    ]
