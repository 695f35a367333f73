"""Hooks are called as pluggy calls them, each implementation isolated for one call.

pluggy's order, ``tryfirst``/``trylast``, wrappers and ``firstresult`` hold; an implementation that raises
is counted on its plugin's record and skipped for that call only, and the plugin stays loaded. Checks
that could not run block finalising; a failing renderer gives way to the next; no plugin replaces a core
section of the document.
"""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.support import Translations
from helpers import csrf_token, login
from sqlalchemy import select

from welfare_plans import (
    CategoryBudget,
    DocumentSection,
    FundingKind,
    FundingSource,
    LegalBasis,
    PagePanel,
    PlanProblem,
    Severity,
    Territory,
    WelfarePlan,
    documents,
    hookimpl,
)
from welfare_plans.db import db_session
from welfare_plans.demo import DEMO_ADMIN, DEMO_HR, load_demo
from welfare_plans.domain.tax import DEFAULT_RULES
from welfare_plans.models import Plan
from welfare_plans.panels import plan_page_panels
from welfare_plans.plans import blocking, check_plan, to_domain
from welfare_plans.plugins import PluginRecord, Plugins, get_plugins


def sample_plan(**changes) -> WelfarePlan:
    values = dict(
        title="Piano 2026", fiscal_year=2026, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
        legal_basis=LegalBasis.REGULATION_BINDING, objectives="", needs=(), territory=Territory(municipalities=("001191",)),
        categories=(CategoryBudget("Impiegati", 10, True, Decimal("500")),), family_count=None, former_count=None,
        citizens_count=None, funding=(FundingSource(FundingKind.EMPLOYER, Decimal("5000")),), basket=(), partners=(),
    )  # fmt: skip
    values.update(changes)
    return WelfarePlan(**values)


def plugins_with(*plugins: tuple[str, object]) -> Plugins:
    """A plugin manager holding only the given plugins, registered in this order."""
    manager = Plugins()
    for name, plugin in plugins:
        manager.register(PluginRecord(name, "local"), plugin)
    return manager


def warning(text: str, field: str | None = None) -> PlanProblem:
    return PlanProblem(Severity.WARNING, text, field)


class FlakyChecks:
    """Its checks fail the first time (a file it reads is briefly unavailable), then work."""

    def __init__(self):
        self.calls = 0

    @hookimpl
    def validate_plan(self, plan):
        self.calls += 1
        if self.calls == 1:
            raise OSError("the price list is being rewritten")
        return [warning("Indicare il Comune partner.", "partners")]

    @hookimpl
    def plan_page_panels(self, plan, page, language):
        return [PagePanel("flaky-notes", "Note", "testo")]


def test_a_validate_plan_that_raises_once_keeps_its_other_hooks_and_runs_at_the_next_call(make_app):
    app = make_app()
    plugins, flaky, plan = get_plugins(app), FlakyChecks(), sample_plan()
    plugins.register(PluginRecord("flaky", "local"), flaky)
    with app.test_request_context():
        first = check_plan(plugins, plan)
        # fails closed: its checks did not run, so the plan cannot be finalised
        (not_run,) = [problem for problem in first if problem.plugin == "flaky"]
        assert not_run.severity == Severity.ERROR and blocking(first)
        assert not_run.render().startswith("The checks of flaky could not run")
        record = plugins.records["flaky"]
        assert record.error_count == 1
        assert record.last_error.render() == "validate_plan raised OSError: the price list is being rewritten"
        assert [problem.field for problem in record.problems] == ["validate_plan"]
        # it stays loaded, with every hook
        assert plugins.manager.get_plugin("flaky") is flaky
        assert "flaky-notes" in [panel.key for panel in plan_page_panels(plugins, plan, "overview", "it")]
        # and its checks run again at the next call
        second = check_plan(plugins, plan)
    assert [(p.plugin, p.severity, p.field) for p in second if p.plugin == "flaky"] == [
        ("flaky", Severity.WARNING, "partners")
    ]
    assert not blocking(second)
    assert record.error_count == 1 and flaky.calls == 2


def test_tax_checks_that_cannot_run_block_finalising_until_they_can(make_app, tmp_path):
    rules = tmp_path / "tax_rules"
    shutil.copytree(DEFAULT_RULES, rules)
    app = make_app(TAX_RULES_DIR=str(rules))
    with app.app_context():
        load_demo(app)
        final = db_session().scalar(select(Plan.id).where(Plan.network_id.is_(None)))
    client = app.test_client()
    login(client, DEMO_HR["email"], DEMO_HR["password"])
    response = client.post(
        f"/plans/{final}/new-version", data={"csrf_token": csrf_token(client, f"/plans/{final}")}
    )
    draft = int(response.headers["Location"].split("/")[2])

    year = rules / "2026.json"
    good = year.read_text(encoding="utf-8")
    year.write_text(good[: len(good) // 2], encoding="utf-8")  # a maintainer's edit, half saved
    review = client.get(f"/plans/{draft}/review").get_data(as_text=True)
    assert "Le verifiche di italian_tax non sono state eseguite" in review
    token = csrf_token(client, f"/plans/{draft}/review")
    refused = client.post(f"/plans/{draft}/finalise", data={"csrf_token": token}, follow_redirects=True)
    assert "Correggi gli errori prima di rendere definitivo il piano." in refused.get_data(as_text=True)
    with app.app_context():
        assert db_session().get(Plan, draft).status == "draft"
    record = get_plugins(app).records["italian_tax"]
    assert record.error_count >= 1 and "JSONDecodeError" in record.last_error.render()
    assert get_plugins(app).manager.get_plugin("italian_tax") is not None

    year.write_text(
        good, encoding="utf-8"
    )  # the file is whole again: the checks run, the plan can be finalised
    token = csrf_token(client, f"/plans/{draft}/review")
    client.post(f"/plans/{draft}/finalise", data={"csrf_token": token})
    with app.app_context():
        assert db_session().get(Plan, draft).status == "final"


def checker(text: str, field: str | None = None, **options) -> object:
    """A plugin whose validate_plan returns one warning, marked with the hookimpl ``options``."""

    class Plugin:
        @hookimpl(**options)
        def validate_plan(self, plan):
            return [warning(text, field)]

    return Plugin()


def test_tryfirst_and_trylast_are_honoured_in_pluggys_order():
    plugins = plugins_with(
        ("early", checker("early, tryfirst", tryfirst=True)),
        ("middle", checker("middle")),
        ("last-registered", checker("last registered")),
        ("late", checker("late, trylast", trylast=True)),
    )
    order = [problem.message for problem in check_plan(plugins, sample_plan())]
    # pluggy: tryfirst first, then the plugins registered later before the earlier ones, trylast last
    assert order == ["early, tryfirst", "last registered", "middle", "late, trylast"]


class HousePolicy:
    """A wrapper around every plan check: this firm does not want warnings about partners."""

    @hookimpl(wrapper=True)
    def validate_plan(self, plan):
        answers = yield
        kept = [[problem for problem in answer if problem.field != "partners"] for answer in answers]
        return [*kept, [PlanProblem(Severity.INFO, "Controllato secondo la policy aziendale.")]]


def test_a_wrapper_sees_and_changes_the_results_of_the_other_implementations():
    plugins = plugins_with(
        ("partners", checker("Indicare il Comune partner.", "partners")),
        ("house-policy", HousePolicy()),
        ("titles", checker("Titolo troppo lungo.", "title")),
    )
    problems = check_plan(plugins, sample_plan())
    # the partners warning is filtered out; what the wrapper kept stays the plugin's that found it
    assert [(problem.plugin, problem.message) for problem in problems] == [
        ("titles", "Titolo troppo lungo."),
        ("house-policy", "Controllato secondo la policy aziendale."),
    ]
    assert all(record.error_count == 0 for record in plugins.records.values())


class RaisingWrapper:
    @hookimpl(wrapper=True)
    def validate_plan(self, plan):
        answers = yield
        raise RuntimeError(f"could not log {len(answers)} answers")


class OldStyleWrapper:
    @hookimpl(hookwrapper=True)
    def validate_plan(self, plan):
        outcome = yield
        outcome.force_result([*outcome.get_result(), [warning("Aggiunto da un vecchio wrapper.")]])


def test_a_wrapper_that_raises_is_skipped_and_old_style_wrappers_still_work():
    plugins = plugins_with(
        ("checks", checker("Un controllo.")),
        ("old-style", OldStyleWrapper()),
        ("raising-wrapper", RaisingWrapper()),
    )
    problems = check_plan(plugins, sample_plan())
    # the failed wrapper is left out of the call, and, as any check that could not run, blocks finalising
    assert [(problem.plugin, problem.severity) for problem in problems] == [
        ("raising-wrapper", Severity.ERROR),
        ("checks", Severity.WARNING),
        ("old-style", Severity.WARNING),
    ]
    assert problems[2].message == "Aggiunto da un vecchio wrapper."
    assert plugins.records["raising-wrapper"].error_count == 1
    assert "could not log 2 answers" in plugins.records["raising-wrapper"].last_error.render()


def test_an_invalid_severity_says_so_and_the_checks_fail_closed():
    class Fatal:
        @hookimpl
        def validate_plan(self, plan):
            return [PlanProblem("fatal", "Piano non valido."), PlanProblem("warning", "Un avviso.")]

    plugins = plugins_with(("fatal", Fatal()))
    problems = check_plan(plugins, sample_plan())
    assert [(p.severity, p.message) for p in problems if p.severity == Severity.WARNING] == [
        (Severity.WARNING, "Un avviso.")
    ]
    assert blocking(problems)  # the check meant something, and nobody can tell how serious
    (reported,) = plugins.records["fatal"].problems
    assert reported.render() == (
        "validate_plan returned a PlanProblem whose severity 'fatal' is not one of: error, warning, info"
    )
    italian = Translations.load(str(Path(__file__).parent.parent / "welfare_plans" / "translations"), ["it"])
    assert reported.render(italian.gettext) == (
        "validate_plan ha restituito un PlanProblem con gravità 'fatal', che non è tra: error, warning, info"
    )


class SectionTakers:
    """Sections whose keys are the core's: a basket placed before the core one, and signatures."""

    @hookimpl
    def plan_document_sections(self, plan, language, annex_of):
        if annex_of is not None:
            return []
        return [
            DocumentSection("basket", "Paniere ridotto", "<p>Solo i nostri servizi.</p>", position=5),
            DocumentSection("signatures", "Firme", "<p>Nessuna firma.</p>", position=121),
            DocumentSection("our-terms", "Condizioni", "<p>Le nostre condizioni.</p>", position=75),
        ]


class SecondTaker:
    @hookimpl
    def plan_document_sections(self, plan, language):
        return [DocumentSection("our-terms", "Altre condizioni", "<p>Altre.</p>", position=76)]


def test_a_core_section_key_is_refused_and_reported_on_the_plugin(make_app):
    app = make_app()
    plugins = get_plugins(app)
    plugins.register(PluginRecord("takers", "local"), SectionTakers())
    plugins.register(PluginRecord("second", "local"), SecondTaker())
    with app.app_context():
        load_demo(app)
        demo = to_domain(db_session().scalar(select(Plan).where(Plan.network_id.is_(None))))
    with app.test_request_context():
        sections = {section.key: section for section in documents.collect_sections(app, demo, "it")}
    assert sections["basket"].title == "Paniere dei servizi" and sections["basket"].position == 70
    assert sections["signatures"].title == "Firme" and "Nessuna firma" not in sections["signatures"].html
    assert "Paniere ridotto" not in [section.title for section in sections.values()]
    # the first plugin pluggy calls keeps a key no built-in uses: the one registered later
    assert sections["our-terms"].title == "Altre condizioni"
    assert {problem.render() for problem in plugins.records["takers"].problems} == {
        "plan_document_sections: basket is a core section of the document, which no plugin can replace "
        "(render_plan can replace the whole document)",
        "plan_document_sections: signatures is a core section of the document, which no plugin can replace "
        "(render_plan can replace the whole document)",
        "plan_document_sections: the section key our-terms is already taken by second",
    }
    assert plugins.records["takers"].status == "degraded"


class BrokenRenderer:
    @hookimpl(tryfirst=True)
    def render_plan(self, plan, language, sections, variant):
        raise RuntimeError("the house font is missing")


class WrongAnswerRenderer:
    @hookimpl
    def render_plan(self, plan, language, sections, variant):
        return b"%PDF-1.7 not wrapped in a RenderedDocument"


def demo_document_client(app):
    with app.app_context():
        load_demo(app)
        plan_id = db_session().scalar(select(Plan.id).where(Plan.network_id.is_(None)))
    client = app.test_client()
    login(client, DEMO_HR["email"], DEMO_HR["password"])
    return client, f"/plans/{plan_id}/document.pdf"


def test_a_failing_renderer_gives_way_to_the_next_and_the_admin_page_shows_its_errors(make_app):
    app = make_app()
    plugins = get_plugins(app)
    plugins.register(PluginRecord("house-style", "local"), BrokenRenderer())
    plugins.register(PluginRecord("bytes-renderer", "local"), WrongAnswerRenderer())
    client, path = demo_document_client(app)
    with client.get(path) as response:
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert plugins.records["house-style"].error_count == 1
    (wrong,) = plugins.records["bytes-renderer"].problems
    assert wrong.render() == "render_plan returned a bytes where a RenderedDocument was expected"

    admin = app.test_client()
    login(admin, DEMO_ADMIN["email"], DEMO_ADMIN["password"])
    page = admin.get("/admin/plugins?lang=en").get_data(as_text=True)
    row = page[page.index("<td>house-style") :]
    assert "<td>1</td>" in row[: row.index("</tr>")]  # its error count
    assert "Last error" in row and "RuntimeError: the house font is missing" in row
    listed = {item["name"]: item for item in admin.get("/admin/plugins.json").get_json()}
    assert listed["house-style"]["error_count"] == 1
    assert (
        listed["house-style"]["last_error"]["message"]
        == "render_plan raised RuntimeError: the house font is missing"
    )


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("it", "Il documento non può essere prodotto ora"),
        ("en", "The document cannot be made right now"),
    ],
)
def test_when_no_renderer_succeeds_the_user_gets_a_clear_page(make_app, language, text):
    app = make_app(PLUGINS_BLOCKED=["pdf_renderer"])
    get_plugins(app).register(PluginRecord("house-style", "local"), BrokenRenderer())
    client, path = demo_document_client(app)
    response = client.get(f"{path}?lang={language}")
    assert response.status_code == 503
    assert text in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)  # the reason is for the plugins page


def local_plugin(tmp_path: Path, name: str, source: str) -> str:
    folder = tmp_path / "local-plugins"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.py").write_text(source, encoding="utf-8")
    return str(folder)


PROVIDER_FOR_CONTRACT = """
from welfare_plans import NeedArea, hookimpl

welfare_plans_contract = {contract!r}


@hookimpl
def register_need_areas():
    return [NeedArea(code="housing", name="Casa")]
"""


def test_a_plugin_outside_the_contract_range_is_refused_with_the_reason(make_app, tmp_path):
    local_plugin(tmp_path, "made_for_two", PROVIDER_FOR_CONTRACT.format(contract=">=2.0,<3"))
    local_plugin(tmp_path, "made_for_one", PROVIDER_FOR_CONTRACT.format(contract=">=1.0,<2"))
    folder = local_plugin(tmp_path, "garbled", PROVIDER_FOR_CONTRACT.format(contract="version one"))
    app = make_app(PLUGINS_DIR=folder, PLUGINS_STRICT=False)
    records = get_plugins(app).records
    assert records["made_for_one"].status == "active" and records["made_for_one"].contract == ">=1.0,<2"
    refused = records["made_for_two"]
    assert refused.status == "failed" and get_plugins(app).manager.get_plugin("made_for_two") is None
    (reason,) = refused.problems
    assert reason.field == "welfare_plans_contract"
    assert reason.render() == (
        "supports the plugin contract >=2.0,<3, but this welfare-plans offers contract 1.0: "
        "install a version of the plugin made for contract 1.0"
    )
    assert records["garbled"].status == "failed"
    assert "'version one' is not a range of versions" in records["garbled"].problems[0].render()

    listed = app.test_cli_runner().invoke(args=["plugins", "list"]).output
    assert "made_for_two: welfare_plans_contract: supports the plugin contract >=2.0,<3" in listed

    import welfare_plans

    assert welfare_plans.CONTRACT_VERSION == "1.0"  # what plugins read to know what they run on


def test_a_deprecated_hook_warns_through_pluggy_and_is_noted_on_the_record():
    from pluggy import HookspecMarker

    from welfare_plans.hookspecs import PROJECT, ContractDeprecationWarning

    class Specs:
        @HookspecMarker(PROJECT)(
            warn_on_impl=ContractDeprecationWarning("old_hook is deprecated: use new_hook")
        )
        def old_hook(self):
            """A hook the contract deprecates."""

    class UsesOldHook:
        @hookimpl
        def old_hook(self):
            return "still answers"

    plugins = Plugins()
    plugins.manager.add_hookspecs(Specs)
    with pytest.warns(ContractDeprecationWarning, match="use new_hook"):
        plugins.register(PluginRecord("old", "local"), UsesOldHook())
    assert plugins.records["old"].deprecations == ["old_hook is deprecated: use new_hook"]
    assert plugins.records["old"].status == "active"
    assert plugins.call_each("old_hook") == {"old": "still answers"}
