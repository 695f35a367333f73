"""Rendering a plugin's own template into markup for a page: what a :class:`~welfare_plans.PagePanel` holds.

Plugins import :func:`render_markup` from ``welfare_plans``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from markupsafe import Markup


def render_markup(template_name: str, **context: Any) -> Markup:
    """Render ``template_name`` (``"my-plugin/panel.html"``) with ``context`` and return it as markup.

    Only a template Flask autoescapes (its name ends in ``.html``, ``.htm``, ``.xml``, ``.xhtml`` or
    ``.svg``) may be turned into markup: every value it shows was escaped, so the result can go into a
    page as it is. Any other name raises :class:`ValueError`.
    """
    if not current_app.select_jinja_autoescape(template_name):
        raise ValueError(f"{template_name} is not autoescaped: its output cannot be trusted as markup")
    return Markup(render_template(template_name, **context))  # noqa: S704 - autoescaped, checked above
