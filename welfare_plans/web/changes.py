"""A change of a plan in words: the labels of snapshot keys, for the history, comparison and conflict pages."""

from __future__ import annotations

from flask_babel import gettext as _

from ..domain import N_
from .plan_forms import FUNDING_KINDS
from .wizard_steps import wizard_steps

# what a row of the plan (a category, a basket item) says, beside the fields each wizard step declares
ROW_LABELS = {
    "headcount": N_("Workers"),
    "credit_per_worker": N_("Welfare credit per worker (euro)"),
    "quantity": N_("Quantity"),
    "price": N_("Price"),
    "beneficiary_group": N_("For"),
    "opted_in": N_("We offer it"),
    "people": N_("People expected"),
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
