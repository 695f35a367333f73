"""Signing in and out, changing one's password, ending every session, accepting an invitation."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from .. import accounts, audit
from ..db import db_session
from ..models import User
from .security import public
from .throttle import throttle

bp = Blueprint("auth", __name__, url_prefix="/auth")
KEPT_ACROSS_SIGN_IN = ("lang",)  # what of an anonymous session survives signing in: the language only


def strong_password(form, field) -> None:
    """The password policy (``accounts.password_problem``), with the person's e-mail and name as known words."""
    known = [str(getattr(form, name).data or "") for name in ("name",) if hasattr(form, name)]
    known += [str(value) for value in getattr(form, "known_words", ())]
    problem = accounts.password_problem(field.data or "", user_inputs=known)
    if problem:
        raise ValidationError(_(problem))


NEW_PASSWORD = [DataRequired(), Length(max=200), strong_password]
NEW_PASSWORD_HELP = _l("At least 10 characters, and not easy to guess: a few unrelated words work well.")


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class LogoutForm(FlaskForm):
    pass


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("New password"), validators=NEW_PASSWORD, description=NEW_PASSWORD_HELP)
    confirm = PasswordField(
        _l("New password again"), validators=[EqualTo("new", message=_l("The two passwords differ."))]
    )


class AcceptForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Choose a password"), validators=NEW_PASSWORD, description=NEW_PASSWORD_HELP)
    confirm = PasswordField(
        _l("Password again"), validators=[EqualTo("password", message=_l("The two passwords differ."))]
    )


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL an attacker could send a victim to."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return (
        url_for("plans.index")
        if current_user.is_authenticated and current_user.firm_ids
        else url_for("catalog.index")
    )


def _address() -> str:
    # the client's address: ProxyFix has put it in place when PROXY_COUNT proxies are trusted
    return request.remote_addr or "unknown"


def _start_session(user: User, *, remember: bool = False) -> None:
    """A new session for ``user``: nothing of the one before but its language, so neither a session
    cookie nor a CSRF token planted before signing in works after it."""
    kept = {key: session[key] for key in KEPT_ACROSS_SIGN_IN if key in session}
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's token of this request, made from the old secret
    session.update(kept)
    login_user(user, remember=remember)


def _end_session() -> None:
    kept = {key: session[key] for key in KEPT_ACROSS_SIGN_IN if key in session}
    logout_user()
    session.clear()
    session.update(kept)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        database = db_session()
        email, address = form.email.data.strip().lower(), _address()
        limits = throttle(current_app)
        refusal = limits.refusal(email, address)
        if refusal is not None:
            audit.record(database, audit.SIGN_IN_REFUSED, actor_email=email, remote_addr=address)
            database.commit()
            form.password.errors.append(
                _("Too many failed attempts. Try again in %(minutes)d minutes.", minutes=refusal.minutes)
            )
            return render_template("auth/login.html", form=form), 429
        user = accounts.find_user(database, email)
        # the password is checked even for an unknown or switched-off account: every answer takes as long
        right = accounts.check_password(user, form.password.data)
        if user is not None and user.active and right:
            limits.succeeded(email, address)
            audit.record(database, audit.SIGN_IN, actor=user, remote_addr=address)
            database.commit()
            _start_session(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")))
        limits.failed(email, address)
        audit.record(database, audit.SIGN_IN_FAILED, actor=user, actor_email=email, remote_addr=address)
        database.commit()
        form.password.errors.append(_("E-mail or password is not correct."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out: this session ends, and so does every copy of its cookie and every remember-me cookie of
    the account (they share the account's session generation, moved on here)."""
    if LogoutForm().validate_on_submit():
        database = db_session()
        user = database.get(User, current_user.id)
        accounts.end_sessions(user)
        audit.record(database, audit.SIGN_OUT, actor=user, remote_addr=_address())
        database.commit()
        _end_session()
        flash(_("You are signed out."), "info")
    return redirect(url_for("catalog.index"))


@bp.post("/sessions/end")
def end_sessions():
    """Sign out everywhere: every session and remember-me cookie of the account ends, on every device;
    this browser gets a new session at once, so the person carries on here."""
    if not LogoutForm().validate_on_submit():
        abort(400)
    database = db_session()
    user = database.get(User, current_user.id)
    accounts.end_sessions(user)
    audit.record(database, audit.SIGN_OUT_EVERYWHERE, actor=user, remote_addr=_address())
    database.commit()
    _start_session(user)
    flash(_("Every other session has ended: you are signed in only here now."), "success")
    return redirect(url_for("auth.password"))


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = PasswordForm()
    form.known_words = (current_user.email, current_user.name)
    limits = throttle(current_app)
    if request.method == "POST" and (minutes := limits.password_change_refused(current_user.id)):
        form.current.errors = [
            _("Too many failed attempts. Try again in %(minutes)d minutes.", minutes=minutes)
        ]
        return render_template("auth/password.html", form=form, logout_form=LogoutForm()), 429
    if form.validate_on_submit():
        database = db_session()
        user = database.get(User, current_user.id)
        if not user.check_password(form.current.data):
            limits.password_change_failed(user.id)
            form.current.errors.append(_("This is not your current password."))
        else:
            user.set_password(form.new.data)
            accounts.end_sessions(user)  # whoever knew the old password is out, everywhere
            audit.record(database, audit.PASSWORD_CHANGED, actor=user, remote_addr=_address())
            database.commit()
            _start_session(user)
            flash(_("Your password has been changed. Every other session has ended."), "success")
            return redirect(url_for("plans.index"))
    return render_template("auth/password.html", form=form, logout_form=LogoutForm())


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept(token: str):
    database = db_session()
    invitation = accounts.find_invitation(database, token)
    if invitation is None:
        abort(404)
    existing = accounts.find_user(database, invitation.email)
    if existing is not None:
        # the person already has an account: the invitation adds the new role once they sign in as themselves
        if current_user.is_authenticated and current_user.id == existing.id:
            _accepted(invitation, existing)
            flash(_("Invitation accepted."), "success")
            return redirect(url_for("plans.index"))
        flash(_("You already have an account: sign in, then open the invitation link again."), "info")
        return redirect(url_for("auth.login", next=request.path))
    form = AcceptForm()
    form.known_words = (invitation.email,)
    if form.validate_on_submit():
        user = accounts.create_user(
            database, email=invitation.email, name=form.name.data, password=form.password.data
        )
        _accepted(invitation, user)
        _start_session(user)
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        return redirect(url_for("plans.index"))
    return render_template("auth/accept.html", form=form, invitation=invitation)


def _accepted(invitation, user: User) -> None:
    database = db_session()
    role = (invitation.role or accounts.VIEWER) if invitation.firm_id else audit.PLATFORM_ADMIN
    audit.record(database, audit.INVITATION_ACCEPTED, actor=user, firm_id=invitation.firm_id,
                 subject=user.email, role=role, remote_addr=_address())  # fmt: skip
    accounts.accept_invitation(database, invitation, user)
