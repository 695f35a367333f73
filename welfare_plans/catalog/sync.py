"""Syncing the catalog: make the catalog tables match what plugins contribute.

Rows are compared by a content hash, written in bulk (:mod:`.bulk`), never deleted (what is no longer
contributed is marked withdrawn), and the search index (:mod:`.search_index`) follows every row written.
Each table is read once, its owners with it: a provider key or service code another plugin owns is not
written but reported (see :mod:`welfare_plans.domain.ownership`). A dry run works out the same changes
and writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from ..domain.contributions import Contributions
from ..domain.ownership import refuse_services_of, taken
from ..domain.problems import Problem
from ..domain.territory import gazetteer
from ..models import CatalogProvider, CatalogService, CatalogState, ServiceArea, ServiceBeneficiary
from . import bulk, search_index


@dataclass
class Counts:
    """How many rows of one kind a sync created, updated, restored, withdrew or left as they were."""

    created: int = 0
    updated: int = 0
    restored: int = 0
    withdrawn: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        """Rows written: everything but the unchanged ones."""
        return self.created + self.updated + self.restored + self.withdrawn


@dataclass
class SyncReport:
    """What a sync did (or, in a dry run, would do) to providers and to services.

    ``names`` lists the keys and codes of each kind by what happened to them (``created``, ``updated``,
    ``restored``, ``withdrawn``; unchanged ones are only counted); ``problems`` are the contributions left
    out because another plugin owns their names.
    """

    providers: Counts = field(default_factory=Counts)
    services: Counts = field(default_factory=Counts)
    names: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: {
            kind: {action: [] for action in _ACTIONS} for kind in ("providers", "services")
        }
    )
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        """Whether the sync wrote anything (would write, in a dry run)."""
        return bool(self.providers.changed or self.services.changed)

    def to_dict(self) -> dict:
        """The counts as plain dicts, for JSON."""
        return {
            "providers": dataclasses.asdict(self.providers),
            "services": dataclasses.asdict(self.services),
        }


_ACTIONS = ("created", "updated", "restored", "withdrawn")


def _fingerprint(plugin: str, value) -> str:
    """A hash of everything a contribution says. The generated repr of a frozen dataclass lists every
    field, nested values included, in a fixed order; it is several times cheaper than asdict()."""
    return hashlib.sha256(f"{plugin}|{value!r}".encode()).hexdigest()


def sync_catalog(
    session: Session, contributions: Contributions, now: datetime | None = None, *, dry_run: bool = False
) -> SyncReport:
    """Make the catalog tables match ``contributions``, changing only what differs, then commit.

    Running it twice in a row changes nothing the second time. What is no longer contributed is marked
    withdrawn; what comes back is restored. Unchanged rows are recognised by their content hash without
    being loaded, so a sync with nothing to do costs two narrow SELECTs; new and changed rows are written
    with bulk statements, not one object at a time. A contribution under a key or code another plugin
    owns is left out and reported in the report's ``problems``. With ``dry_run`` the report says what a
    sync would do, and nothing is written or committed.
    """
    now = now or datetime.now(UTC).replace(tzinfo=None)
    report = SyncReport(dry_run=dry_run)
    current_providers, provider_plan, refused_providers = _plan(
        session, CatalogProvider, CatalogProvider.key, contributions.providers, report, "providers"
    )
    if not dry_run:
        provider_ids, touched_providers = _write_rows(
            session, CatalogProvider, CatalogProvider.key, current_providers, provider_plan,
            lambda plugin, provider, digest: _provider_values(plugin, provider, digest, now), now,
        )  # fmt: skip
    services, problems = refuse_services_of(contributions.service_types, refused_providers)
    report.problems += problems
    current_services, service_plan, _refused = _plan(
        session, CatalogService, CatalogService.code, services, report, "services"
    )
    if dry_run:  # nothing written, nothing committed (the caller's own changes are left as they are)
        return report
    _ids, touched = _write_rows(
        session, CatalogService, CatalogService.code, current_services, service_plan,
        lambda plugin, service, digest: _service_values(plugin, service, provider_ids[service.provider], digest, now),
        now, children=_service_children,
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
    search_index.refresh(session, touched)
    active = search_index.rebuild_if_needed(session)
    state = session.get(CatalogState, 1) or CatalogState(id=1)
    state.active_services, state.synced_at = active, now
    session.add(state)
    session.commit()
    return report


def _plan(session: Session, model, key_column, contributed: dict, report: SyncReport, kind: str):
    """Read the rows of ``model`` and plan what to write (see :func:`_plan_rows`); report what it refuses
    because another plugin owns it. Returns the rows read, the plan and the refused keys with their owners."""
    current = _current_rows(session, model, key_column)
    refused: dict[str, str] = {}
    plan = _plan_rows(current, contributed, getattr(report, kind), report.names[kind], refused)
    label = "Provider" if model is CatalogProvider else "ServiceType"
    report.problems += [
        taken(contributed[key][0], f"{label}[{key}]", key_column.key, key, owner)
        for key, owner in refused.items()
    ]
    return current, plan, refused


_BATCH = 500  # ids per IN (...) clause: well under every database's parameter limit
_READ_ALL = 5_000  # after inserting more rows than this, read back every key's id at once


def _batches(items: list, size: int = _BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Row(NamedTuple):
    """What a sync reads of a catalog row: enough to compare, and its owner."""

    id: int
    content_hash: str
    withdrawn_at: datetime | None
    plugin: str


@dataclass
class _RowPlan:
    """The rows a sync writes: new ones (key, plugin, value, hash), changed ones (row id, key, plugin,
    value, hash) and the ids of those to withdraw."""

    new: list[tuple] = field(default_factory=list)
    changed: list[tuple] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)


def _current_rows(session: Session, model, key_column) -> dict[str, _Row]:
    """Every row of ``model`` by key, with its owner, in one narrow query."""
    return {
        key: _Row(row_id, digest, withdrawn_at, plugin)
        for key, row_id, digest, withdrawn_at, plugin in session.execute(
            select(key_column, model.id, model.content_hash, model.withdrawn_at, model.plugin)
        )
    }


def _plan_rows(
    current: dict[str, _Row], contributed: dict, counts: Counts, names: dict[str, list[str]], refused: dict
) -> _RowPlan:
    """Which rows to create, update, restore or withdraw; counted in ``counts`` and named in ``names``.

    A key whose row another plugin owns is not written: it goes into ``refused`` with its owner, and the
    owner's row is withdrawn like any row its owner no longer contributes.
    """
    plan = _RowPlan()
    for key, (plugin, value) in contributed.items():
        row = current.get(key)
        if row is None:
            plan.new.append((key, plugin, value, _fingerprint(plugin, value)))
            names["created"].append(key)
            continue
        if row.plugin != plugin:
            refused[key] = row.plugin
            continue
        digest = _fingerprint(plugin, value)
        if row.content_hash == digest and row.withdrawn_at is None:
            counts.unchanged += 1
        else:
            plan.changed.append((row.id, key, plugin, value, digest))
            names["restored" if row.withdrawn_at is not None else "updated"].append(key)
    for key, row in current.items():
        if row.withdrawn_at is None and (key not in contributed or key in refused):
            plan.gone.append(row.id)
            names["withdrawn"].append(key)
    for action in _ACTIONS:
        setattr(counts, action, len(names[action]))
    return plan


def _write_rows(
    session, model, key_column, current: dict[str, _Row], plan: _RowPlan, values, now, children=None
):
    """Create, update, restore or withdraw the rows of ``model`` as planned; return the id of every row by
    key, and the ids of the rows it wrote."""
    new_rows = [
        {key_column.key: key, **values(plugin, value, digest)} for key, plugin, value, digest in plan.new
    ]
    changed_rows = [
        {"id": row_id, **values(plugin, value, digest)}
        for row_id, _key, plugin, value, digest in plan.changed
    ]
    ids_by_key = {key: row.id for key, row in current.items()}
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
    for batch in _batches(plan.gone, bulk.batch_size(session)):
        session.execute(update(model).where(bulk.id_in(session, model.id, batch)).values(withdrawn_at=now))
    child_sources = [(key, value) for key, _plugin, value, _digest in plan.new] + [
        (key, value) for _id, key, _plugin, value, _digest in plan.changed
    ]
    if children and child_sources:
        existing = {row["id"] for row in changed_rows}  # new rows have no children to delete
        _replace_children(
            session, children, [(ids_by_key[key], value) for key, value in child_sources], existing
        )
    touched = {ids_by_key[key] for key, _value in child_sources} | set(plan.gone)
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
