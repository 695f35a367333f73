"""The public catalog of services that providers' plugins offer."""

from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SearchField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..catalog import CatalogQuery, covered_places, search_services
from ..db import db_session
from ..domain.territory import Municipality, gazetteer
from ..i18n import current_language
from ..models import CatalogService
from .fields import options
from .labels import beneficiary_group_choices, need_area_choices
from .security import public

bp = Blueprint("catalog", __name__, url_prefix="/catalog")


class CatalogFilterForm(FlaskForm):
    """Filters travel in the query string so a filtered page can be bookmarked and shared; a GET
    form changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
    need_area = SelectField(_l("Need area"), validators=[Optional()], validate_choice=True)
    place = StringField(
        _l("Municipality or province"),
        validators=[Optional(), Length(max=120)],
        description=_l("For example Pinerolo, Pinerolo (TO), TO or Provincia di Torino"),
        render_kw={"list": "places", "autocomplete": "off"},
    )
    group = SelectField(_l("For"), validators=[Optional()], validate_choice=True)

    def validate_place(self, field) -> None:
        if field.data and gazetteer().find(field.data) is None:
            # eager gettext: a lazy string counts as safe markup in Jinja, and this one holds user input
            raise ValidationError(
                gettext("No Italian municipality or province is called “%(name)s”.", name=field.data)
            )


@bp.get("/")
@public
def index():
    form = CatalogFilterForm(request.args, meta={"locales": None})
    form.need_area.choices = options([("", _l("All need areas")), *need_area_choices()])
    form.group.choices = options([("", _l("Everyone")), *beneficiary_group_choices()])
    session = db_session()
    query = CatalogQuery()
    if form.validate():
        query = CatalogQuery(
            need_area=form.need_area.data or None,
            place=gazetteer().find(form.place.data) if form.place.data else None,
            beneficiary_group=form.group.data or None,
            text=form.q.data or None,
        )
    page_number = request.args.get("page", 1, type=int)
    page = search_services(
        session,
        query,
        page=page_number,
        per_page=current_app.config["CATALOG_PAGE_SIZE"],
        language=current_language(),
    )
    return render_template(
        "catalog/index.html", form=form, page=page, place_options=suggested_places(session), filters=query
    )


def suggested_places(session) -> Markup:
    """The places services cover, as the place field's suggestions (``<option>`` elements in the page's
    language), remembered for a few minutes.

    Listing them reads every service's areas (0.7 s at 100,000 services) and writing a thousand options
    takes longer than the rest of the page, while the list changes only when the catalog is synced:
    slightly stale suggestions cost nothing, a slow page costs every visitor.
    """
    cache = current_app.extensions.setdefault("welfare_plans.suggested_places", {})
    now = time.monotonic()
    if cache.get("expires", 0) <= now:
        cache.clear()
        cache["places"] = covered_places(session)
        cache["expires"] = now + current_app.config["CATALOG_PLACES_TTL"]
    language = current_language()
    if language not in cache:
        cache[language] = Markup("").join(
            Markup('<option value="{}">').format(
                place.label
                if isinstance(place, Municipality)
                else gettext("Province of %(name)s", name=place.name)
            )
            for place in cache["places"]
        )
    return cache[language]


@bp.get("/services/<int:service_id>")
@public
def service(service_id: int):
    service = db_session().get(
        CatalogService,
        service_id,
        options=[joinedload(CatalogService.provider), selectinload(CatalogService.areas)],
    )
    if service is None:
        abort(404)
    return render_template("catalog/service.html", service=service, places=gazetteer())
