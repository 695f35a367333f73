"""Platform administration: installed plugins and their state."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_babel import gettext

from ..plugins import get_plugins
from .security import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/plugins")
@admin_required
def plugins():
    return render_template("admin/plugins.html", plugins=get_plugins(current_app).list())


@bp.get("/plugins.json")
@admin_required
def plugins_json():
    return jsonify([record.to_dict(gettext) for record in get_plugins(current_app).list()])
