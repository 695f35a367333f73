"""Demonstration data for ``make run``: safe to load any number of times."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from . import CONTRIBUTIONS_KEY
from .accounts import create_user
from .catalog import sync_catalog
from .db import db_session
from .models import CatalogService, User

# Published in README.md: these accounts exist only in a database loaded with demo data.
DEMO_ADMIN = {"email": "admin@example.org", "name": "Amministratrice Demo", "password": "demo-admin-2026"}


def load_demo(app: Flask) -> list[str]:
    session = db_session()
    sync_catalog(session, app.extensions[CONTRIBUTIONS_KEY])
    offered = session.scalar(
        select(func.count()).select_from(CatalogService).where(CatalogService.withdrawn_at.is_(None))
    )
    lines = [f"catalog: {offered} services offered"]
    if session.scalar(select(User.id).where(User.email == DEMO_ADMIN["email"])) is None:
        create_user(session, admin=True, **DEMO_ADMIN)
        lines.append(f"administrator {DEMO_ADMIN['email']} created")
    else:
        lines.append(f"administrator {DEMO_ADMIN['email']} already there")
    return lines
