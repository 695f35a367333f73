"""Default-deny access: every view needs a signed-in user unless it is marked :func:`public`."""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, current_app, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from the ``PROXY_COUNT`` reverse proxies in front of the app
    (X-Forwarded-For, X-Forwarded-Proto): without it every request behind a proxy comes from the proxy's
    address, and throttling one address throttles everyone. Only the entries the trusted proxies added
    are believed, so a client cannot choose its own address by sending the header itself."""
    count = int(app.config["PROXY_COUNT"] or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def public(view):
    """Let anonymous visitors reach ``view`` (sign-in, the public catalog)."""
    view.is_public = True
    return view


def require_login():
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False) or current_user.is_authenticated:
        return None
    return current_app.login_manager.unauthorized()


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not (current_user.is_authenticated and current_user.is_platform_admin):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"
)


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
