"""Documentation stays in step with the code: every hook documented, every hook tested."""

import ast
import re
from pathlib import Path

import pytest

from welfare_plans import hookspecs

ROOT = Path(__file__).parent.parent
# pluggy marks every hook specification with this attribute
HOOKS = sorted(name for name, value in vars(hookspecs).items() if hasattr(value, f"{hookspecs.PROJECT}_spec"))


def test_hooks_are_found():
    assert {"register_need_areas", "register_providers", "register_service_types", "validate_plan"} <= set(
        HOOKS
    )


@pytest.fixture(scope="module")
def sections():
    text = (ROOT / "docs" / "plugin_hooks.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_documented_section_with_signature_returns_and_example(hook, sections):
    assert hook in sections, f"docs/plugin_hooks.md has no '## {hook}' section"
    section = sections[hook]
    assert f"def {hook}(" in section, "the section shows no signature"
    assert "**Returns:**" in section and "**Arguments:**" in section
    assert section.count("@hookimpl") >= 2, "the section needs the signature and an example"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test_of_its_own(hook):
    names = {
        node.name
        for path in (ROOT / "tests").glob("test_*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
    }
    assert f"test_hook_{hook}" in names, f"no test_hook_{hook} in tests/"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hookspec_has_a_docstring_saying_what_it_returns(hook):
    doc = getattr(hookspecs, hook).__doc__ or ""
    assert ":return:" in doc
