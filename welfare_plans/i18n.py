"""Languages: Italian by default, English complete. The choice is made with ``?lang=`` and remembered.

On a view marked :func:`document_language` (a PDF), ``?lang=`` is the document's language only: asking for
the English document does not switch the pages to English."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale

TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages, default=current_app.config["BABEL_DEFAULT_LOCALE"])


def document_language(view):
    """Mark a view whose ``?lang=`` chooses the language of the document it serves, not of the pages."""
    view.document_language = True
    return view


def remember_language() -> None:
    lang = request.args.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        return
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if not getattr(view, "document_language", False):
        session["lang"] = lang


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def localized(obj, attribute: str) -> str:
    """Plugin-provided text: the English variant when the page is in English and one exists."""
    if current_language() == "en":
        english = getattr(obj, f"{attribute}_en", None)
        if english:
            return english
    return getattr(obj, attribute)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    app.before_request(remember_language)
    app.jinja_env.globals.update(localized=localized, current_language=current_language)
