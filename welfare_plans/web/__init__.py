"""The web layer: thin blueprints that parse a request, call the domain and render a template."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import InterfaceError, OperationalError

from ..accounts import SignedInUser, signed_in_user
from ..db import db_session
from ..plans import kind_of
from . import admin, auth, catalog, firms, health, jobs, labels, networks, plans, wizard, wizard_steps
from .hardening import private_cache, refuse_nul_characters
from .security import public, require_login, security_headers


def init_app(app: Flask) -> None:
    CSRFProtect(app)

    login_manager = LoginManager(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> SignedInUser | None:
        # every request loads its user, and every page asks for the user's roles: one plain query for both;
        # an account switched off is signed out at its next request, and a role changed counts at once
        user = signed_in_user(db_session(), int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.is_active else None

    app.before_request(refuse_nul_characters)
    app.before_request(require_login)
    app.after_request(security_headers)
    app.after_request(private_cache)

    app.register_blueprint(auth.bp)
    app.register_blueprint(catalog.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(firms.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(wizard.bp)
    wizard_steps.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(jobs.bp)
    app.register_blueprint(networks.bp)
    app.register_blueprint(networks.parts_bp)

    @app.get("/")
    @public
    def index():
        if current_user.is_authenticated and current_user.firm_ids:
            return redirect(url_for("plans.index"))
        return redirect(url_for("catalog.index"))

    for code in (400, 403, 404, 405, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)

    labels.register(app)
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["plan_kind"] = kind_of  # templates ask the plan's kind, never what owns it


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (pagination, language links)."""
    args = request.args.to_dict()
    args.update({key: value for key, value in changes.items() if value is not None})
    if request.endpoint is None:  # an error page for a URL that matched no route
        return f"{request.path}?{urlencode(args)}"
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _database_unavailable(error):
    """The database is down or restarting: a page that says so, not a stack trace."""
    from flask import current_app, g

    current_app.logger.error("database unavailable: %s", error)
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
    # straight from the Jinja environment: render_template's context processors would load the signed-in
    # user, from the database that is down
    page = current_app.jinja_env.get_template("errors/unavailable.html").render()
    response = current_app.make_response((page, 503))
    response.headers["Retry-After"] = "30"
    return response


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    return render_template("errors/error.html", code=code), code
