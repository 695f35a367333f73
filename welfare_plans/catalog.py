"""The provider catalog: collect what plugins contribute, sync it into the database, search it."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from .domain.contributions import Contributions, PluginContribution, validate_contributions
from .domain.territory import Municipality, Province, gazetteer
from .models import CatalogProvider, CatalogService, ServiceArea, ServiceBeneficiary
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
    payload = json.dumps([plugin, dataclasses.asdict(value)], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def sync_catalog(session: Session, contributions: Contributions, now: datetime | None = None) -> SyncReport:
    """Make the catalog tables match ``contributions``, changing only what differs, then commit.

    Running it twice in a row changes nothing the second time. What is no longer contributed is marked
    withdrawn; what comes back is restored.
    """
    now = now or datetime.now(UTC).replace(tzinfo=None)
    report = SyncReport()

    providers = {row.key: row for row in session.scalars(select(CatalogProvider))}
    for key, (plugin, provider) in contributions.providers.items():
        digest = _fingerprint(plugin, provider)
        row = providers.get(key)
        if row is None:
            row = providers[key] = CatalogProvider(key=key)
            session.add(row)
            report.providers.created += 1
        elif row.content_hash == digest and row.withdrawn_at is None:
            report.providers.unchanged += 1
            continue
        elif row.withdrawn_at is not None:
            report.providers.restored += 1
        else:
            report.providers.updated += 1
        _copy_provider(row, plugin, provider, digest, now)
    for key, row in providers.items():
        if key not in contributions.providers and row.withdrawn_at is None:
            row.withdrawn_at = now
            report.providers.withdrawn += 1
    session.flush()

    services = {
        row.code: row
        for row in session.scalars(
            select(CatalogService).options(
                selectinload(CatalogService.areas), selectinload(CatalogService.beneficiaries)
            )
        )
    }
    for code, (plugin, service) in contributions.service_types.items():
        digest = _fingerprint(plugin, service)
        row = services.get(code)
        if row is None:
            row = CatalogService(code=code)
            session.add(row)
            report.services.created += 1
        elif row.content_hash == digest and row.withdrawn_at is None:
            report.services.unchanged += 1
            continue
        elif row.withdrawn_at is not None:
            report.services.restored += 1
        else:
            report.services.updated += 1
        _copy_service(row, plugin, service, providers[service.provider], digest, now)
    for code, row in services.items():
        if code not in contributions.service_types and row.withdrawn_at is None:
            row.withdrawn_at = now
            report.services.withdrawn += 1
    session.commit()
    return report


def _copy_provider(row: CatalogProvider, plugin: str, provider, digest: str, now: datetime) -> None:
    row.plugin = plugin
    row.name = provider.name
    row.legal_form = provider.legal_form.value
    row.tax_id = provider.tax_id
    row.municipality_code = provider.municipality
    row.email = provider.email
    row.phone = provider.phone
    row.website = provider.website
    row.address = provider.address
    row.applies_national_contract = provider.applies_national_contract
    row.has_safety_policy = provider.has_safety_policy
    row.description = provider.description
    row.description_en = provider.description_en
    row.content_hash = digest
    row.synced_at = now
    row.withdrawn_at = None


def _copy_service(
    row: CatalogService, plugin: str, service, provider: CatalogProvider, digest: str, now
) -> None:
    row.plugin = plugin
    row.provider = provider
    row.name = service.name
    row.name_en = service.name_en
    row.description = service.description
    row.description_en = service.description_en
    row.need_area = service.need_area
    row.delivery_modes = [mode.value for mode in service.delivery_modes]
    row.price = service.price
    row.unit = service.unit.value
    row.extra = dict(service.extra)
    row.content_hash = digest
    row.synced_at = now
    row.withdrawn_at = None
    places = gazetteer()
    row.areas = [ServiceArea(province_code=code) for code in service.territory.provinces] + [
        ServiceArea(province_code=places.municipality(code).province.code, municipality_code=code)
        for code in service.territory.municipalities
    ]
    row.beneficiaries = [
        ServiceBeneficiary(beneficiary_group=group.value) for group in service.beneficiary_groups
    ]


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


def _conditions(query: CatalogQuery) -> list:
    conditions = [CatalogService.withdrawn_at.is_(None)]
    if query.need_area:
        conditions.append(CatalogService.need_area == query.need_area)
    if query.beneficiary_group:
        conditions.append(
            exists().where(
                ServiceBeneficiary.service_id == CatalogService.id,
                ServiceBeneficiary.beneficiary_group == query.beneficiary_group,
            )
        )
    if isinstance(query.place, Municipality):
        conditions.append(
            exists().where(
                ServiceArea.service_id == CatalogService.id,
                ServiceArea.province_code == query.place.province.code,
                or_(
                    ServiceArea.municipality_code.is_(None), ServiceArea.municipality_code == query.place.code
                ),
            )
        )
    elif isinstance(query.place, Province):
        conditions.append(
            exists().where(
                ServiceArea.service_id == CatalogService.id, ServiceArea.province_code == query.place.code
            )
        )
    if query.text and query.text.strip():
        for word in query.text.split()[:8]:
            pattern = f"%{_escape_like(word)}%"
            conditions.append(
                or_(
                    *(
                        column.ilike(pattern, escape="\\")
                        for column in (
                            CatalogService.name,
                            CatalogService.name_en,
                            CatalogService.description,
                            CatalogService.description_en,
                        )
                    ),
                    CatalogService.provider.has(CatalogProvider.name.ilike(pattern, escape="\\")),
                )
            )
    return conditions


def search_services(session: Session, query: CatalogQuery, page: int = 1, per_page: int = 20) -> Page:
    """One page of active services matching ``query``, ordered by name; two queries plus eager loads."""
    conditions = _conditions(query)
    total = session.scalar(select(func.count()).select_from(CatalogService).where(*conditions)) or 0
    page = max(1, min(page, max(1, -(-total // per_page))))
    items = session.scalars(
        select(CatalogService)
        .where(*conditions)
        .options(
            joinedload(CatalogService.provider),
            selectinload(CatalogService.areas),
            selectinload(CatalogService.beneficiaries),
        )
        .order_by(CatalogService.name, CatalogService.code)
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
