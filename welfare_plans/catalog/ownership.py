"""Ownership in the database: who owns a provider key or a service code, and handing it on.

The owner of a name is the ``plugin`` of its catalog row: set when the row is created, never changed by
a sync, changed only by :func:`transfer` (recorded in ``catalog_transfer``). The rules themselves live in
:mod:`welfare_plans.domain.ownership`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..domain.ownership import Owners
from ..models import CatalogProvider, CatalogService, CatalogTransfer

log = logging.getLogger(__name__)

_BATCH = 500  # names per IN (...): well under SQLite's parameter limit


def recorded_owners(engine: Engine) -> Callable[[set[str], set[str]], Owners]:
    """A look-up of the recorded owners of some provider keys and service codes, for collecting.

    It is asked only about the names several plugins bring at once (usually none, so building the app
    reads nothing). A database that cannot answer (not created yet, unreachable) has no owners to give:
    the plugin names decide, and the sync checks every name against the catalog when it can.
    """

    def look_up(keys: set[str], codes: set[str]) -> Owners:
        try:
            with engine.connect() as connection:
                return Owners(
                    providers=_owners(connection, CatalogProvider.key, CatalogProvider.plugin, keys),
                    services=_owners(connection, CatalogService.code, CatalogService.plugin, codes),
                )
        except SQLAlchemyError as error:
            log.warning("the catalog's owners could not be read: %s", error)
            return Owners()

    return look_up


def _owners(connection, name_column, plugin_column, names: Iterable[str]) -> dict[str, str]:
    names = sorted(names)
    found: dict[str, str] = {}
    for start in range(0, len(names), _BATCH):
        batch = names[start : start + _BATCH]
        found.update(
            connection.execute(select(name_column, plugin_column).where(name_column.in_(batch))).all()
        )
    return found


class TransferError(ValueError):
    """A transfer that cannot be made: the provider is unknown, or already the plugin's."""


@dataclass(frozen=True)
class Transfer:
    """What a transfer did: the provider key, who had it, who has it now, how many services moved."""

    provider_key: str
    from_plugin: str
    to_plugin: str
    services: int


def transfer(session: Session, provider_key: str, to_plugin: str, now: datetime | None = None) -> Transfer:
    """Hand the provider ``provider_key`` and every one of its services to the plugin ``to_plugin``, and
    record it; commit. Nothing else changes: the next sync takes what ``to_plugin`` contributes under these
    names, and rejects what the former owner still contributes."""
    to_plugin = to_plugin.strip()
    if not to_plugin:
        raise TransferError("name the plugin that is to own the provider")
    provider = session.scalar(select(CatalogProvider).where(CatalogProvider.key == provider_key))
    if provider is None:
        raise TransferError(f"there is no provider {provider_key!r} in the catalog")
    if provider.plugin == to_plugin:
        raise TransferError(f"provider {provider_key!r} already belongs to plugin {to_plugin!r}")
    moved = session.execute(
        update(CatalogService).where(CatalogService.provider_id == provider.id).values(plugin=to_plugin)
    ).rowcount
    record = CatalogTransfer(
        provider_key=provider_key,
        from_plugin=provider.plugin,
        to_plugin=to_plugin,
        services=moved,
        transferred_at=now or datetime.now(UTC).replace(tzinfo=None),
    )
    provider.plugin = to_plugin
    session.add(record)
    session.commit()
    return Transfer(provider_key, record.from_plugin, to_plugin, moved)


@dataclass(frozen=True)
class OwnedProvider:
    """One provider key with its owner, its services and its last transfer, for ``catalog owners``."""

    key: str
    plugin: str
    services: int
    withdrawn: bool
    last_transfer: CatalogTransfer | None


def owned_providers(session: Session) -> list[OwnedProvider]:
    """Every provider key in the catalog with the plugin that owns it, by plugin and key."""
    services = dict(
        session.execute(
            select(CatalogService.provider_id, func.count()).group_by(CatalogService.provider_id)
        ).all()
    )
    transfers: dict[str, CatalogTransfer] = {}
    for row in session.scalars(select(CatalogTransfer).order_by(CatalogTransfer.id)):
        transfers[row.provider_key] = row  # the newest wins
    return [
        OwnedProvider(key, plugin, services.get(provider_id, 0), withdrawn_at is not None, transfers.get(key))
        for provider_id, key, plugin, withdrawn_at in session.execute(
            select(
                CatalogProvider.id, CatalogProvider.key, CatalogProvider.plugin, CatalogProvider.withdrawn_at
            ).order_by(CatalogProvider.plugin, CatalogProvider.key)
        )
    ]
