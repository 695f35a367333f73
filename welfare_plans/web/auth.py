"""Signing in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from ..db import db_session
from ..models import User
from .security import public

bp = Blueprint("auth", __name__, url_prefix="/auth")


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class LogoutForm(FlaskForm):
    pass


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL an attacker could send a victim to."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("catalog.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = db_session().scalar(
            select(User).where(func.lower(User.email) == form.email.data.strip().lower())
        )
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("E-mail or password is not correct."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("You are signed out."), "info")
    return redirect(url_for("catalog.index"))
