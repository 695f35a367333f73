"""Health endpoints for load balancers and orchestrators.

``/health/live`` says the process answers. ``/health/ready`` says it can serve: the database answers and
its schema is the one this code expects. It answers 503 at once when the database is down, and 200 again
as soon as it is back: the connection pool checks connections before use, so no restart is needed.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .. import schema
from ..db import get_db
from .security import public

bp = Blueprint("health", __name__, url_prefix="/health")


@bp.get("/live")
@public
def live():
    return jsonify(status="alive")


@bp.get("/ready")
@public
def ready():
    engine = get_db().engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = schema.is_current(engine)
    except SQLAlchemyError:
        response = jsonify(status="unavailable", database="unreachable")
        response.status_code = 503
    else:
        response = jsonify(status="ready" if current else "unavailable", database="ok",
                           schema="current" if current else "needs upgrade")  # fmt: skip
        response.status_code = 200 if current else 503
    response.headers["Cache-Control"] = "no-store"
    return response
