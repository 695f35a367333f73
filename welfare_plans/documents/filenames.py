"""The names a downloaded document is saved under."""

from __future__ import annotations

from ..domain.plan import WelfarePlan


def _safe_name(text: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return safe


def filename(plan: WelfarePlan, language: str) -> str:
    """A download name people recognise: the title, the version and the language."""
    return f"{_safe_name(plan.title) or 'plan'}-v{plan.version}-{language}.pdf"


def annex_filename(plan: WelfarePlan, firm_name: str, language: str) -> str:
    """The download name of a member firm's annex: the plan's title and version, the firm, the language."""
    return f"{_safe_name(plan.title) or 'plan'}-v{plan.version}-{_safe_name(firm_name) or 'annex'}-{language}.pdf"
