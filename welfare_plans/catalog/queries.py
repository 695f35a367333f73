"""Queries on the catalog: the catalog page, the places it suggests, and what the wizard and the
network pages ask of it (:func:`basket_candidates`, :func:`withdrawn_services`, :func:`services_by_need_area`).

Filters and typed words go through the search index (:mod:`.search_index`); the services themselves
are read with their provider, places and groups in two more queries, whatever the page size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..domain.territory import Municipality, Province, gazetteer
from ..models import CatalogService, CatalogState, ServiceArea
from . import search_index


@dataclass(frozen=True)
class CatalogQuery:
    """Filters of the catalog page; each is optional."""

    need_area: str | None = None
    place: Municipality | Province | None = None
    beneficiary_group: str | None = None
    text: str | None = None


@dataclass
class Page:
    """One page of services, with the number of matches in all."""

    items: list[CatalogService]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the matches fill (at least one, even when there are none)."""
        return max(1, -(-self.total // self.per_page))


def _place_condition(place: Municipality | Province):
    if isinstance(place, Municipality):
        return exists().where(
            ServiceArea.service_id == CatalogService.id,
            ServiceArea.province_code == place.province.code,
            or_(ServiceArea.municipality_code.is_(None), ServiceArea.municipality_code == place.code),
        )
    return exists().where(
        ServiceArea.service_id == CatalogService.id, ServiceArea.province_code == place.code
    )


# up to this many matches, take their ids and sort those services; above it, walk the services in name
# order keeping the matching ones (SQLite would otherwise sort every match to show twenty, and PostgreSQL
# misjudges small sets and walks the whole catalog)
_DENSE = 500


# what a list of services shows: provider, places and groups, loaded with the page in two more queries
_DETAILS = (
    joinedload(CatalogService.provider),
    selectinload(CatalogService.areas),
    selectinload(CatalogService.beneficiaries),
)


def search_services(
    session: Session, query: CatalogQuery, page: int = 1, per_page: int = 20, language: str = "it"
) -> Page:
    """One page of active services matching ``query``, ordered by their name in ``language``.

    At most three queries plus the eager loads, whatever the page size or catalog size: the first
    matching ids, their count when there are many (on PostgreSQL both in one query; with no filter, the
    count the sync wrote down) and the page.
    """
    clauses = search_index.filter_keys(query.need_area, query.place, query.beneficiary_group)
    return _search(session, clauses, search_index.words(query.text), page, per_page, language)


def _search(
    session: Session, clauses: list[list[str]], typed: list[str], page: int, per_page: int, language: str
) -> Page:
    """One page of the active services that have a key of every clause and every typed word."""
    active = CatalogService.withdrawn_at.is_(None)
    if clauses or typed:  # the index holds active services only
        matching = search_index.matching_ids(session, clauses, typed)
        sqlite = session.get_bind().dialect.name == "sqlite"
        if sqlite:  # FTS5 counts fast, but a window over its matches costs more than a second query
            first = list(session.scalars(matching.limit(_DENSE + 1)))
            total = len(first)
            if total > _DENSE:
                total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
        else:  # one pass over the matches: the first of them, and how many there are in all
            rows = session.execute(matching.add_columns(func.count().over()).limit(_DENSE + 1)).all()
            total, first = (rows[0][1] if rows else 0), [row[0] for row in rows]
        if total <= _DENSE:  # few: these are all of them
            conditions = [active, CatalogService.id.in_(first)]
        else:  # many: walk the services in name order keeping the matching ones
            member = (CatalogService.id + 0) if sqlite else CatalogService.id  # +0: see _DENSE
            conditions = [active, member.in_(matching)]
    else:
        total = session.scalar(select(CatalogState.active_services).where(CatalogState.id == 1))
        if total is None:  # never synced
            total = session.scalar(select(func.count()).select_from(CatalogService).where(active)) or 0
        conditions = [active]
    page = max(1, min(page, max(1, -(-total // per_page))))
    items = session.scalars(
        select(CatalogService)
        .where(*conditions)
        .options(*_DETAILS)
        .order_by(
            func.coalesce(CatalogService.name_en, CatalogService.name)
            if language == "en"
            else CatalogService.name,
            CatalogService.code,
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=list(items), total=total, page=page, per_page=per_page)


def covered_places(session: Session) -> list[Municipality | Province]:
    """Provinces and municipalities named by active services, for suggestions on the catalog page."""
    rows = session.execute(
        select(ServiceArea.province_code, ServiceArea.municipality_code)
        .join(CatalogService, CatalogService.id == ServiceArea.service_id)
        .where(CatalogService.withdrawn_at.is_(None))
        .distinct()
    ).all()
    places = gazetteer()
    provinces = {places.province(province) for province, _ in rows}
    municipalities = {places.municipality(code) for _, code in rows if code}
    return sorted(provinces - {None}, key=lambda p: p.name) + sorted(
        municipalities - {None}, key=lambda m: m.name
    )


def basket_candidates(
    session: Session,
    places: list,
    groups: list[str],
    need_areas: list[str],
    text: str | None = None,
    page: int = 1,
    per_page: int = 20,
    language: str = "it",
) -> Page:
    """One page of the active services offered in any of ``places``, to any of ``groups``, in any of
    ``need_areas`` (an empty list leaves that filter out), with every word of ``text``; ordered by name
    in ``language``, with the number of all of them. Costs what a catalog page costs."""
    clauses = []
    if places:
        clauses.append([alternative for place in places for alternative in search_index.place_keys(place)])
    if groups:
        clauses.append([search_index.key("group", group) for group in groups])
    if need_areas:
        clauses.append([search_index.key("area", area) for area in need_areas])
    return _search(session, clauses, search_index.words(text), page, per_page, language)


def withdrawn_services(session: Session, service_ids: list[int]) -> set[int]:
    """Those of ``service_ids`` that their provider no longer offers."""
    if not service_ids:
        return set()
    return set(
        session.scalars(
            select(CatalogService.id).where(
                CatalogService.id.in_(service_ids), CatalogService.withdrawn_at.is_not(None)
            )
        )
    )


def services_by_need_area(session: Session, places: list) -> dict[str, int]:
    """How many active services each need area has in any of ``places`` (every place when empty)."""
    conditions = [CatalogService.withdrawn_at.is_(None)]
    if places:
        conditions.append(or_(*(_place_condition(place) for place in places)))
    rows = session.execute(
        select(CatalogService.need_area, func.count()).where(*conditions).group_by(CatalogService.need_area)
    )
    return {area: count for area, count in rows}
