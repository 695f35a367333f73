"""Plans of the signed-in user's firms: list, new plan, overview with charts, lifecycle, history, comparison."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit, documents, jobs, networks
from .. import plans as plan_service
from ..charts import SVG_CSP, bar_chart
from ..db import db_session
from ..domain import N_
from ..i18n import current_language
from ..plugins import get_plugins
from .access import can_edit, can_edit_plan, firm_for, plan_for, sees_all_parts
from .cache import page_cache
from .labels import BENEFICIARY_GROUPS, need_area_label
from .plan_forms import FUNDING_KINDS, ActionForm, DuplicateForm, NewPlanForm
from .wizard import step_of
from .wizard_steps import wizard_steps

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.get("/")
def index():
    return render_template(
        "plans/index.html",
        firms=plan_service.firms_of(db_session(), current_user.firm_ids),
        plans=plan_service.firm_plans(db_session(), current_user.firm_ids),
        joint_plans=networks.joint_plans_for(db_session(), current_user),
        can_edit=can_edit,
        action_form=ActionForm(),
    )


@bp.post("/documents")
def prepare_documents():
    """Prepare the PDFs of every current plan of a firm, in both languages, in the background."""
    firm = firm_for(request.args.get("firm", type=int) or 0, write=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    plan_ids = plan_service.current_plan_ids(db_session(), firm)
    job = jobs.submit(current_app._get_current_object(), "render_documents",
                      {"plan_ids": plan_ids, "languages": ["it", "en"]}, firm_id=firm.id, user_id=current_user.id)  # fmt: skip
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/new", methods=["GET", "POST"])
def new():
    firm = firm_for(request.args.get("firm", type=int) or 0, write=True)
    form = NewPlanForm()
    if form.validate_on_submit():
        plan = plan_service.create_plan(
            db_session(), firm, current_user, form.title.data.strip(), form.fiscal_year.data
        )
        db_session().commit()
        flash(_("Plan created. Start with the basics."), "success")
        return redirect(url_for("wizard.step", plan_id=plan.id, step="basics"))
    return render_template(
        "plans/new.html",
        form=form,
        heading=_("New plan for %(firm)s", firm=firm.legal_name),
        help=_(
            "The plan starts with the firm's worker categories; every step saves a draft you can come back to."
        ),
    )


@bp.get("/<int:plan_id>")
def overview(plan_id: int):
    """The plan at a glance. Read far more often than changed, so a firm's plan is served from the page
    cache, keyed by everything the page shows; the key costs two small queries and no ORM objects."""
    # plain rows, one query built once: no ORM bookkeeping on the cached path
    rows = plan_service.version_rows(db_session().connection(), plan_id)
    row = next((row for row in rows if row.id == plan_id), None)
    if row is None or not plan_service.kind_for(row.network_id).overview_cacheable:
        plan = plan_for(plan_id)
        return _joint_overview(plan, plan_service.to_domain(plan))
    role = current_user.role_in(row.firm_id)
    if role is None:
        abort(404)
    versions = tuple((v.id, v.version, v.status) for v in rows)
    key = (*row, versions, current_user.id, role, current_language())

    def render() -> str:  # the version rows have what the page shows of each version: no second query
        return _overview(plan_for(plan_id), rows)

    return page_cache(current_app).page(key, render)


def _overview(plan, versions):
    domain = plan_service.to_domain(plan)
    problems = plan_service.check_plan(get_plugins(current_app), domain)
    by_area: dict[str, list] = {}
    for item in plan.items:
        by_area.setdefault(item.need_area, []).append(item)
    return render_template(
        "plans/overview.html",
        plan=plan,
        domain=domain,
        problems=problems,
        items_by_area=by_area,
        step_of=step_of,
        steps=wizard_steps().titles,
        kind=plan_service.kind_of(plan),
        action_form=ActionForm(),
        duplicate_form=DuplicateForm(data={"title": plan_service.next_year_title(plan)}),
        can_edit=can_edit(plan.firm_id),
        versions=versions,
    )


def _joint_overview(plan, domain):
    """A joint plan: the network's totals, each member's part as far as the user may see it, the basket
    with the quantities the members chose. Problems name firms, so only those who see every part get them."""
    all_parts = sees_all_parts(plan)
    built = {annex.vat_number: annex for annex in domain.annexes}  # the roll-up made them already
    visible = networks.part_visibility(current_user, plan)
    rows = [
        (firm, part, built.get(firm.vat_number) or plan_service.annex(plan, None, firm), visible(firm.id))
        for firm, part in plan_service.members_by_firm(plan)
    ]
    return render_template(
        "plans/joint.html",
        plan=plan,
        domain=domain,
        rows=rows,
        part_link=firm_link("parts.part", plan_id=plan.id),
        annex_link=firm_link("parts.annex", plan_id=plan.id, lang=current_language(), download=1),
        hidden=[row for row in rows if not row[3]],
        sees_all=all_parts,
        my_firms=[firm for firm, _part, _annex, visible in rows if firm.id in current_user.firm_ids],
        problems=plan_service.check_plan(get_plugins(current_app), domain) if all_parts else [],
        step_of=step_of,
        steps=wizard_steps().titles,
        kind=plan_service.kind_of(plan),
        action_form=ActionForm(),
        duplicate_form=DuplicateForm(data={"title": plan_service.next_year_title(plan)}),
        can_edit=can_edit_plan(plan),
        versions=plan_service.versions(db_session(), plan),
    )


def firm_link(endpoint: str, **values) -> Callable[[int], str]:
    """``url_for(endpoint, firm_id=..., **values)`` for each of hundreds of firms at the cost of one: the
    URL is built once around a stand-in id, which each link replaces with the firm's (the firm comes last in
    the path, after the plan, so its stand-in is the last one in the URL)."""
    stand_in = "987654321"
    before, _stand_in, after = url_for(endpoint, firm_id=int(stand_in), **values).rpartition(stand_in)
    return lambda firm_id: f"{before}{int(firm_id)}{after}"


@bp.get("/<int:plan_id>/document.pdf")
def document(plan_id: int):
    """The plan as a PDF to sign and hand out: rendered once per content and language, then served from disk.

    A joint plan's document holds every member's annex: those who may see every part get it, rendered in
    the background (it can be long) the first time, so the request never waits for it."""
    plan = plan_for(plan_id)
    kind = plan_service.kind_of(plan)
    if not kind.sees_everything(current_user, plan):
        abort(404)
    domain = kind.value(plan)
    language = request.args.get("lang", current_language())
    variant = "pdf/ua-1" if request.args.get("accessible") else "pdf/a-3u"
    if language not in documents.LANGUAGES:
        abort(404)
    app = current_app._get_current_object()
    if kind.document_in_background:
        path = documents.cached_path(app, domain, language, variant)
        if path is None:
            job = jobs.submit(app, "render_annexes", {"plan_id": plan.id, "languages": [language], "variant": variant},
                              user_id=current_user.id, **kind.owner_scope(plan))  # fmt: skip
            flash(
                _(
                    "The document is being prepared with every member's annex; it will be listed here when ready."
                ),
                "info",
            )
            return redirect(url_for("jobs.show", job_id=job.id))
    else:
        path = documents.cached_document(app, domain, language, variant)
    audit.record_download(
        db_session(), current_user, plan, documents.filename(domain, language), request.remote_addr
    )
    return send_file(
        path,
        mimetype="application/pdf",
        download_name=documents.filename(domain, language),
        as_attachment=request.args.get("download") == "1",
        max_age=0,
    )


@bp.get("/<int:plan_id>/charts/<name>.svg")
def chart(plan_id: int, name: str):
    domain = plan_service.to_domain(plan_for(plan_id))
    if name == "need-areas":
        svg = bar_chart(
            _("Basket by need area"),
            {need_area_label(code): amount for code, amount in domain.basket_by_need_area().items()},
        )
    elif name == "groups":
        svg = bar_chart(
            _("Basket by beneficiary group"),
            {str(BENEFICIARY_GROUPS[code]): amount for code, amount in domain.basket_by_group().items()},
        )
    else:
        abort(404)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_CSP
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _act(plan_id: int, action) -> Response:
    plan = plan_for(plan_id, write=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = action(plan)
    except plan_service.LifecycleError as error:
        flash(_(str(error)), "danger")
        return redirect(url_for("plans.overview", plan_id=plan.id))
    db_session().commit()
    return redirect(url_for("plans.overview", plan_id=(result or plan).id))


@bp.post("/<int:plan_id>/finalise")
def finalise(plan_id: int):
    def action(plan):
        problems = plan_service.check_plan(get_plugins(current_app), plan_service.to_domain(plan))
        plan_service.finalise(db_session(), plan, current_user, problems)
        flash(_("The plan is final: it can now be signed and handed to workers."), "success")

    return _act(plan_id, action)


@bp.post("/<int:plan_id>/archive")
def archive(plan_id: int):
    def action(plan):
        plan_service.archive(db_session(), plan, current_user)
        flash(_("The plan is archived."), "info")

    return _act(plan_id, action)


@bp.post("/<int:plan_id>/new-version")
def new_version(plan_id: int):
    def action(plan):
        copy = plan_service.new_version(db_session(), plan, current_user)
        flash(
            _(
                "Version %(version)d created as a draft; version %(previous)d stays valid until it is finalised.",
                version=copy.version,
                previous=plan.version,
            ),
            "success",
        )
        return copy

    return _act(plan_id, action)


@bp.post("/<int:plan_id>/duplicate")
def duplicate(plan_id: int):
    plan = plan_for(plan_id, write=True)
    form = DuplicateForm()
    if not form.validate_on_submit():
        flash(_("Give the new plan a title."), "danger")
        return redirect(url_for("plans.overview", plan_id=plan.id))
    copy = plan_service.duplicate(db_session(), plan, current_user, form.title.data.strip())
    db_session().commit()
    flash(_("A new plan for %(year)d was created from this one.", year=copy.fiscal_year), "success")
    return redirect(url_for("wizard.step", plan_id=copy.id, step="basics"))


@bp.get("/<int:plan_id>/history")
def history(plan_id: int):
    plan = plan_for(plan_id)
    changes = plan_service.kind_of(plan).visible_changes(
        current_user, plan, plan_service.history(db_session(), plan)
    )
    return render_template("plans/history.html", plan=plan, changes=changes, label=change_label)


@bp.get("/<int:plan_id>/compare")
def compare(plan_id: int):
    plan = plan_for(plan_id)
    other = plan_for(request.args.get("with", type=int) or 0)
    rows = plan_service.diff(plan_service.snapshot(other), plan_service.snapshot(plan))
    return render_template("plans/compare.html", plan=plan, other=other, rows=rows, label=change_label)


# what a row of the plan (a category, a basket item) says, beside the fields each wizard step declares
ROW_LABELS = {
    "headcount": N_("Workers"),
    "credit_per_worker": N_("Welfare credit per worker (euro)"),
    "quantity": N_("Quantity"),
    "price": N_("Price"),
    "beneficiary_group": N_("For"),
}


def _label(key: str) -> str:
    label = wizard_steps().labels().get(key)
    return str(label) if label is not None else _(ROW_LABELS.get(key, key))


def change_label(key: str) -> str:
    """A snapshot key in words: ``category[Operai].headcount`` reads "Operai: Workers"."""
    if "[" in key:
        kind, rest = key.split("[", 1)
        name, _sep, attribute = rest.partition("]")
        attribute = attribute.lstrip(".")
        subject = {"funding": _("Funding"), "partner": _("Partner")}.get(kind, name)
        if kind == "funding":
            return f"{subject}: {FUNDING_KINDS.get(name, name)}"
        if kind == "partner":
            return f"{subject}: {name}"
        return f"{subject}: {_label(attribute)}"
    return _label(key)
