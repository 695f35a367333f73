"""Helpers shared by the tests (importable as ``helpers``: pytest puts tests/ on the path)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

TEST_PLUGINS = Path(__file__).parent / "plugins"


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
