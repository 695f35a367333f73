"""The provider catalog: collect what plugins contribute, sync it into the database, search it."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, exists, func, or_, select, text, update
from sqlalchemy.orm import Session, joinedload, selectinload

from . import bulk, search
from .domain.contributions import Contributions, PluginContribution, validate_contributions
from .domain.territory import Municipality, Province, gazetteer
from .models import CatalogProvider, CatalogService, CatalogState, ServiceArea, ServiceBeneficiary
from .plugins import Plugins

_HOOKS = {
    "register_need_areas": "need_areas",
    "register_providers": "providers",
    "register_service_types": "service_types",
}


def collect(plugins: Plugins) -> Contributions:
    """Call the ``register_*`` hooks of every plugin and validate what comes back.

    A plugin that raises in any of them contributes nothing; invalid items are dropped one by one. Every
    problem is recorded on the plugin's record, so ``plugins list`` and the admin page show it.
    """
    raw: dict[str, PluginContribution] = defaultdict(PluginContribution)
    for hook, attribute in _HOOKS.items():
        for plugin_name, result in plugins.call_each(hook).items():
            setattr(raw[plugin_name], attribute, result)
    working = {name: value for name, value in raw.items() if plugins.records[name].status != "failed"}
    contributions = validate_contributions(working)
    for problem in contributions.problems:
        plugins.add_problem(problem)
    return contributions


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    restored: int = 0
    withdrawn: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.restored + self.withdrawn


@dataclass
class SyncReport:
    providers: Counts = field(default_factory=Counts)
    services: Counts = field(default_factory=Counts)

    @property
    def changed(self) -> bool:
        return bool(self.providers.changed or self.services.changed)

    def to_dict(self) -> dict:
        return {
            "providers": dataclasses.asdict(self.providers),
            "services": dataclasses.asdict(self.services),
        }


def _fingerprint(plugin: str, value) -> str:
    """A hash of everything a contribution says. The generated repr of a frozen dataclass lists every
    field, nested values included, in a fixed order; it is several times cheaper than asdict()."""
    return hashlib.sha256(f"{plugin}|{value!r}".encode()).hexdigest()


def sync_catalog(session: Session, contributions: Contributions, now: datetime | None = None) -> SyncReport:
    """Make the catalog tables match ``contributions``, changing only what differs, then commit.

    Running it twice in a row changes nothing the second time. What is no longer contributed is marked
    withdrawn; what comes back is restored. Unchanged rows are recognised by their content hash without
    being loaded, so a sync with nothing to do costs two narrow SELECTs; new and changed rows are written
    with bulk statements, not one object at a time.
    """
    now = now or datetime.now(UTC).replace(tzinfo=None)
    report = SyncReport()
    provider_ids, touched_providers = _sync_rows(
        session, CatalogProvider, CatalogProvider.key, contributions.providers, report.providers, now,
        lambda plugin, provider, digest: _provider_values(plugin, provider, digest, now),
    )  # fmt: skip
    _ids, touched = _sync_rows(
        session, CatalogService, CatalogService.code, contributions.service_types, report.services, now,
        lambda plugin, service, digest: _service_values(plugin, service, provider_ids[service.provider], digest, now),
        children=_service_children,
    )  # fmt: skip
    if touched_providers:  # a provider's name is in its services' index entries
        for batch in _batches(sorted(touched_providers), bulk.batch_size(session)):
            touched.update(
                session.scalars(
                    select(CatalogService.id).where(bulk.id_in(session, CatalogService.provider_id, batch))
                )
            )
    if len(touched) > 1_000 and bulk.is_postgresql(session):
        # after a large bulk write the planner's statistics describe the old tables: refresh them before
        # the index is built from these tables (and before the next page is served)
        session.execute(text("ANALYZE provider, service_type, service_area, service_beneficiary"))
    search.refresh(session, touched)
    active = search.rebuild_if_needed(session)
    state = session.get(CatalogState, 1) or CatalogState(id=1)
    state.active_services, state.synced_at = active, now
    session.add(state)
    session.commit()
    return report


_BATCH = 500  # ids per IN (...) clause: well under every database's parameter limit
_READ_ALL = 5_000  # after inserting more rows than this, read back every key's id at once


def _batches(items: list, size: int = _BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sync_rows(session, model, key_column, contributed: dict, counts: Counts, now, values, children=None):
    """Create, update, restore or withdraw the rows of ``model``; return the id of every row by key, and
    the ids of the rows it wrote."""
    current = {
        key: (row_id, digest, withdrawn_at)
        for key, row_id, digest, withdrawn_at in session.execute(
            select(key_column, model.id, model.content_hash, model.withdrawn_at)
        )
    }
    new_rows, changed_rows, child_sources = [], [], []
    for key, (plugin, value) in contributed.items():
        digest = _fingerprint(plugin, value)
        state = current.get(key)
        if state is None:
            new_rows.append({key_column.key: key, **values(plugin, value, digest)})
            child_sources.append((key, value))
            counts.created += 1
        elif state[1] == digest and state[2] is None:
            counts.unchanged += 1
        else:
            changed_rows.append({"id": state[0], **values(plugin, value, digest)})
            child_sources.append((key, value))
            if state[2] is not None:
                counts.restored += 1
            else:
                counts.updated += 1
    ids_by_key = {key: state[0] for key, state in current.items()}
    if new_rows:
        bulk.insert_rows(session, model.__table__, new_rows)
        if len(new_rows) > _READ_ALL:  # one narrow read of every key beats many lookups
            ids_by_key.update(session.execute(select(key_column, model.id)).all())
        else:
            keys = [row[key_column.key] for row in new_rows]
            for batch in _batches(keys):
                ids_by_key.update(
                    session.execute(select(key_column, model.id).where(key_column.in_(batch))).all()
                )
    if changed_rows:
        session.execute(update(model), changed_rows)  # bulk UPDATE by primary key
    gone = [state[0] for key, state in current.items() if key not in contributed and state[2] is None]
    for batch in _batches(gone, bulk.batch_size(session)):
        session.execute(update(model).where(bulk.id_in(session, model.id, batch)).values(withdrawn_at=now))
    counts.withdrawn += len(gone)
    if children and child_sources:
        existing = {row["id"] for row in changed_rows}  # new rows have no children to delete
        _replace_children(
            session, children, [(ids_by_key[key], value) for key, value in child_sources], existing
        )
    touched = (
        {ids_by_key[key] for key, _value in child_sources} | {row["id"] for row in changed_rows} | set(gone)
    )
    return ids_by_key, touched


def _replace_children(session, children, owners: list, existing: set[int]) -> None:
    """Delete the child rows of the given owners (those in ``existing``) and insert them anew, in bulk."""
    rows: dict = {}
    for owner_id, value in owners:
        for child_model, items in children(value).items():
            rows.setdefault(child_model, []).extend({"service_id": owner_id, **item} for item in items)
    owner_ids = [owner_id for owner_id, _ in owners if owner_id in existing]
    for child_model, items in rows.items():
        for batch in _batches(owner_ids, bulk.batch_size(session)):
            session.execute(delete(child_model).where(bulk.id_in(session, child_model.service_id, batch)))
        bulk.insert_rows(session, child_model.__table__, items)


def _provider_values(plugin: str, provider, digest: str, now: datetime) -> dict:
    return {
        "plugin": plugin,
        "name": provider.name,
        "legal_form": provider.legal_form.value,
        "tax_id": provider.tax_id,
        "municipality_code": provider.municipality,
        "email": provider.email,
        "phone": provider.phone,
        "website": provider.website,
        "address": provider.address,
        "applies_national_contract": provider.applies_national_contract,
        "has_safety_policy": provider.has_safety_policy,
        "description": provider.description,
        "description_en": provider.description_en,
        "content_hash": digest,
        "synced_at": now,
        "withdrawn_at": None,
    }


def _service_values(plugin: str, service, provider_id: int, digest: str, now: datetime) -> dict:
    return {
        "plugin": plugin,
        "provider_id": provider_id,
        "name": service.name,
        "name_en": service.name_en,
        "description": service.description,
        "description_en": service.description_en,
        "need_area": service.need_area,
        "delivery_modes": [mode.value for mode in service.delivery_modes],
        "price": service.price,
        "unit": service.unit.value,
        "extra": dict(service.extra),
        "content_hash": digest,
        "synced_at": now,
        "withdrawn_at": None,
    }


def _service_children(service) -> dict:
    places = gazetteer()
    areas = [{"province_code": code, "municipality_code": None} for code in service.territory.provinces] + [
        {"province_code": places.municipality(code).province.code, "municipality_code": code}
        for code in service.territory.municipalities
    ]
    return {
        ServiceArea: areas,
        ServiceBeneficiary: [{"beneficiary_group": group.value} for group in service.beneficiary_groups],
    }


# -- search ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CatalogQuery:
    """Filters of the catalog page; each is optional."""

    need_area: str | None = None
    place: Municipality | Province | None = None
    beneficiary_group: str | None = None
    text: str | None = None


@dataclass
class Page:
    items: list[CatalogService]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
    active = CatalogService.withdrawn_at.is_(None)
    clauses = search.filter_keys(query.need_area, query.place, query.beneficiary_group)
    typed = search.words(query.text)
    if clauses or typed:  # the index holds active services only
        matching = search.matching_ids(session, clauses, typed)
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
    session: Session, places: list, groups: list[str], need_areas: list[str], exclude: list[str]
) -> list[CatalogService]:
    """Active services offered in any of ``places``, to any of ``groups``, in ``need_areas`` (all when empty)."""
    conditions = [CatalogService.withdrawn_at.is_(None)]
    if places:
        conditions.append(or_(*(_place_condition(place) for place in places)))
    if groups:
        conditions.append(
            exists().where(
                ServiceBeneficiary.service_id == CatalogService.id,
                ServiceBeneficiary.beneficiary_group.in_(groups),
            )
        )
    if need_areas:
        conditions.append(CatalogService.need_area.in_(need_areas))
    if exclude:
        conditions.append(CatalogService.code.not_in(exclude))
    return list(
        session.scalars(
            select(CatalogService)
            .where(*conditions)
            .options(*_DETAILS)
            .order_by(CatalogService.need_area, CatalogService.name)
            .limit(200)
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
