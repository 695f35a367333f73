"""Helpers shared by the tests (importable as ``helpers``: pytest puts tests/ on the path)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

TEST_PLUGINS = Path(__file__).parent / "plugins"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"  # screenshots and renders to look at


def base_config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "tests-only-secret",
        "DATABASE_URL": database_url,
        "PLUGINS_STRICT": True,
        "PLUGINS_DIR": "",
        "CATALOG_SYNC_ON_STARTUP": False,
    }
    config.update(overrides)
    return config


def plugin_folder(tmp_path: Path, *names: str) -> str:
    """A local plugins folder holding copies of the named test plugins from tests/plugins/."""
    folder = tmp_path / "local-plugins"
    folder.mkdir(exist_ok=True)
    for name in names:
        source = TEST_PLUGINS / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copyfile(source, folder / name)
    return str(folder)


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    page = client.get(path)
    match = CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, email: str, password: str):
    token = csrf_token(client, "/auth/login")
    return client.post("/auth/login", data={"csrf_token": token, "email": email, "password": password})


def make_firm(
    session, name: str, vat: str, categories=(("Operai", 20), ("Impiegati", 5)), municipality="001191"
):
    """A firm with worker categories, as an administrator creates it."""
    from datetime import datetime

    from welfare_plans.models import Firm, WorkerCategory

    firm = Firm(
        legal_name=name,
        vat_number=vat,
        municipality_code=municipality,
        created_at=datetime(2026, 1, 1),
        categories=[WorkerCategory(name=n, headcount=h, position=i) for i, (n, h) in enumerate(categories)],
    )
    session.add(firm)
    session.commit()
    return firm


def make_member(session, firm, email: str, role: str = "hr_manager", password: str = "a-long-password"):
    from welfare_plans.accounts import add_membership, create_user

    user = create_user(session, email=email, name=email.split("@")[0].title(), password=password)
    add_membership(session, user, firm.id, role)
    session.commit()
    return {"email": email, "password": password, "id": user.id}


def form_post(client, path: str, data: dict, page: str | None = None, **kwargs):
    """Post a form the way a browser does: with the CSRF token of the page it comes from (``path`` itself
    unless the form is on another ``page``)."""
    token = csrf_token(client, page or path)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)
