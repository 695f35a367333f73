"""Every user-facing string is translated: Italian complete, English complete, templates up to date."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent
TRANSLATIONS = ROOT / "welfare_plans" / "translations"


def catalog(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """What the sources ask to translate today, extracted as `make messages` does."""
    target = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(target),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(target, "rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("locale", ["it", "en"])
def test_every_string_in_the_sources_is_translated(locale, extracted):
    messages = {message.id: message for message in catalog(locale) if message.id}
    missing = [msgid for msgid in extracted if msgid not in messages]
    assert missing == [], f"run 'make messages' and translate: {missing}"
    untranslated = [
        m.id for m in messages.values() if not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    assert untranslated == []
    assert [m.id for m in messages.values() if m.fuzzy] == []


def test_italian_keeps_every_placeholder():
    for message in catalog("it"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for original in ids:
            for translated in strings:
                assert set(_placeholders(original)) == set(_placeholders(translated)), message.id


def _placeholders(text):
    import re

    return re.findall(r"%\(\w+\)[sdr]", text)


def test_compiled_catalogs_are_installed():
    assert (TRANSLATIONS / "it" / "LC_MESSAGES" / "messages.mo").is_file(), "run 'make translations'"
