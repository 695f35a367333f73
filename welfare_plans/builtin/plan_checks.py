"""The core's structural checks of a plan, contributed through the public ``validate_plan`` hook."""

from __future__ import annotations

from ..domain import N_
from ..domain.plan import LegalBasis, PlanProblem, Severity, WelfarePlan
from ..domain.territory import overlaps
from ..hookspecs import hookimpl


@hookimpl
def validate_plan(plan: WelfarePlan) -> list[PlanProblem]:
    problems: list[PlanProblem] = []

    def add(severity: Severity, message: str, field: str, **params) -> None:
        problems.append(PlanProblem(severity, message, field, params))

    error, warning = Severity.ERROR, Severity.WARNING
    if not plan.title.strip():
        add(error, N_("The plan needs a title."), "title")
    if plan.period_start is None or plan.period_end is None:
        add(error, N_("Say when the plan starts and ends."), "period_start")
    elif plan.period_end <= plan.period_start:
        add(error, N_("The plan must end after it starts."), "period_end")
    elif not plan.period_start.year <= plan.fiscal_year <= plan.period_end.year:
        add(
            warning,
            N_("The fiscal year %(year)d falls outside the plan's period."),
            "fiscal_year",
            year=plan.fiscal_year,
        )
    if plan.legal_basis is None:
        add(error, N_("Choose the legal basis of the plan: a regulation or an agreement."), "legal_basis")
    if not plan.needs:
        add(warning, N_("Say which needs the plan answers."), "needs")
    if not plan.territory.municipalities and not plan.territory.provinces:
        add(
            warning, N_("Say which territory the plan serves, so services can be matched to it."), "territory"
        )

    if not plan.workers_covered:
        add(error, N_("Include at least one category of workers with its headcount."), "categories")
    for category in plan.categories:
        if category.included and category.headcount and not category.credit_per_worker:
            add(
                warning,
                N_("Category “%(name)s” is included but gets no welfare credit."),
                "categories",
                name=category.name,
            )
    for field, count, message in (
        ("family_count", plan.family_count, N_("The plan includes family members but counts none.")),
        ("former_count", plan.former_count, N_("The plan includes former employees but counts none.")),
        (
            "citizens_count",
            plan.citizens_count,
            N_("The plan includes citizens of the territory but counts none."),
        ),
    ):
        if count == 0:
            add(warning, message, field)

    total, funded = plan.total_budget, plan.funding_total
    if total and funded != total:
        add(
            error,
            N_(
                "The funding sources add up to %(funded)s euro, but the welfare credit of the included workers is %(total)s euro."
            ),
            "funding",
            funded=funded,
            total=total,
        )

    if not plan.basket:
        add(warning, N_("The basket has no services yet."), "items")
    elif plan.basket_total > total:
        add(
            error,
            N_("The basket costs %(basket)s euro, more than the plan's budget of %(total)s euro."),
            "items",
            basket=plan.basket_total,
            total=total,
        )
    groups = set(plan.beneficiary_groups)
    has_territory = plan.territory.municipalities or plan.territory.provinces
    for item in plan.basket:
        field = f"items.{item.service_code}"
        if item.beneficiary_group not in groups:
            add(
                error,
                N_("“%(service)s” is planned for a group the plan does not include."),
                field,
                service=item.name,
            )
        if has_territory and not overlaps(item.territory, plan.territory):
            add(
                error, N_("“%(service)s” is not delivered in the plan's territory."), field, service=item.name
            )
        if not item.quantity:
            add(
                warning,
                N_("Set how much of “%(service)s” the plan expects to use."),
                field,
                service=item.name,
            )

    agreement = plan.legal_basis in (LegalBasis.COMPANY_AGREEMENT, LegalBasis.TERRITORIAL_AGREEMENT)
    if agreement and not any(partner.signatory for partner in plan.partners):
        add(warning, N_("An agreement needs its signatories: add the parties who sign it."), "partners")
    return problems
