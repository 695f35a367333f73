"""Syncing the catalog: make the catalog tables match what plugins contribute.

Rows are compared by a content hash, written in bulk (:mod:`.bulk`), never deleted (what is no longer
contributed is marked withdrawn), and the search index (:mod:`.search_index`) follows every row written.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from ..domain.contributions import Contributions
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
    """What a sync did to providers and to services."""

    providers: Counts = field(default_factory=Counts)
    services: Counts = field(default_factory=Counts)

    @property
    def changed(self) -> bool:
        """Whether the sync wrote anything."""
        return bool(self.providers.changed or self.services.changed)

    def to_dict(self) -> dict:
        """The counts as plain dicts, for JSON."""
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
    search_index.refresh(session, touched)
    active = search_index.rebuild_if_needed(session)
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
