"""Rules every request and response keeps, whatever the view: no NUL character in any text, and nothing a
signed-in person sees kept by a cache.

- A NUL character (``\\x00``) cannot be typed in a browser and no text of the app may hold one (PostgreSQL
  refuses it in text): a request with one in a form field or a query argument is answered 400 with a
  message, before any view or query sees it.
- A response to a signed-in person is ``Cache-Control: private, no-store`` unless the view said
  ``private`` itself: no shared cache keeps it, and no browser keeps a copy of a page or a PDF on disk
  after the person signs out (a shared computer, a lost laptop). Pages are cheap to ask again; the
  rendered documents stay cached on the server (``documents.cached_document``), not in the browser.
"""

from __future__ import annotations

from flask import g, render_template, request
from flask_babel import gettext as _

NUL = "\x00"
PRIVATE = "private, no-store"


def _holds_nul(values) -> bool:
    return any(NUL in key or NUL in value for key, value in values.items(multi=True))


def refuse_nul_characters():
    """``before_request``: a NUL character in a form field or a query argument is refused with a message."""
    if _holds_nul(request.args) or (request.method == "POST" and _holds_nul(request.form)):
        message = _("Text cannot contain the character NUL: remove it and send the form again.")
        return render_template("errors/error.html", code=400, message=message), 400
    return None


def private_cache(response):
    """``after_request``: what a signed-in person gets is ``private, no-store`` unless the view chose
    ``private`` caching itself (the charts revalidate with ``private, no-cache``)."""
    user = g.get("_login_user")  # loaded by now for every page that is not public, never loaded here
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if (
        signed_in
        and request.endpoint != "static"
        and "private" not in (response.cache_control.to_header() or "")
    ):
        response.headers["Cache-Control"] = PRIVATE
    return response
