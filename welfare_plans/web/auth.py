"""Signing in and out, changing one's password, accepting an invitation."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from .. import accounts
from ..db import db_session
from ..models import User
from .security import public

bp = Blueprint("auth", __name__, url_prefix="/auth")
NEW_PASSWORD = [DataRequired(), Length(min=accounts.MIN_PASSWORD_LENGTH, max=200)]


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class LogoutForm(FlaskForm):
    pass


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password"), validators=NEW_PASSWORD, description=_l("At least 10 characters.")
    )
    confirm = PasswordField(
        _l("New password again"), validators=[EqualTo("new", message=_l("The two passwords differ."))]
    )


class AcceptForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(
        _l("Choose a password"), validators=NEW_PASSWORD, description=_l("At least 10 characters.")
    )
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


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        session = db_session()
        email = form.email.data.strip().lower()
        address = request.remote_addr or "unknown"
        window = timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
        if accounts.locked_out(
            session, email, address, max_failures=current_app.config["LOGIN_MAX_FAILURES"], window=window
        ):
            form.password.errors.append(
                _("Too many failed attempts. Try again in %(minutes)d minutes.", minutes=window.seconds // 60)
            )
            return render_template("auth/login.html", form=form), 429
        user = accounts.find_user(session, email)
        if user is not None and user.active and user.check_password(form.password.data):
            accounts.clear_failures(session, email)
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")))
        accounts.record_failure(session, email, address)
        form.password.errors.append(_("E-mail or password is not correct."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("You are signed out."), "info")
    return redirect(url_for("catalog.index"))


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = db_session().get(User, current_user.id)
        if not user.check_password(form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            user.set_password(form.new.data)
            db_session().commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("plans.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept(token: str):
    session = db_session()
    invitation = accounts.find_invitation(session, token)
    if invitation is None:
        abort(404)
    existing = accounts.find_user(session, invitation.email)
    if existing is not None:
        # the person already has an account: the invitation adds the new role once they sign in as themselves
        if current_user.is_authenticated and current_user.id == existing.id:
            accounts.accept_invitation(session, invitation, existing)
            flash(_("Invitation accepted."), "success")
            return redirect(url_for("plans.index"))
        flash(_("You already have an account: sign in, then open the invitation link again."), "info")
        return redirect(url_for("auth.login", next=request.path))
    form = AcceptForm()
    if form.validate_on_submit():
        user = accounts.create_user(
            session, email=invitation.email, name=form.name.data, password=form.password.data
        )
        accounts.accept_invitation(session, invitation, user)
        login_user(user)
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        return redirect(url_for("plans.index"))
    return render_template("auth/accept.html", form=form, invitation=invitation)
