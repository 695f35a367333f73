"""The catalog: providers and service types as plugins contributed them, synced into the database.

Rows are never deleted: a provider or service a plugin stops contributing gets ``withdrawn_at``,
because plans keep pointing to it. ``content_hash`` lets a sync skip what did not change. ``plugin`` is
the owner of the row's key or code: the plugin that first brought it in, changed only by a transfer
(``catalog_transfer`` records each one).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ..types import BeneficiaryGroup


class CatalogProvider(Base):
    __tablename__ = "provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    plugin: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(40))
    tax_id: Mapped[str] = mapped_column(String(16))
    municipality_code: Mapped[str] = mapped_column(String(6))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(300))
    applies_national_contract: Mapped[bool]
    has_safety_policy: Mapped[bool]
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]

    services: Mapped[list[CatalogService]] = relationship(back_populates="provider")


class CatalogService(Base):
    __tablename__ = "service_type"
    __table_args__ = (
        # the catalog lists active services by name (an index on the English name, coalesce(name_en, name),
        # is created by migration 0008: expression indexes are not compared with the models)
        Index("ix_service_type_active_name", "name", "code",
              sqlite_where=text("withdrawn_at IS NULL"), postgresql_where=text("withdrawn_at IS NULL")),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    plugin: Mapped[str] = mapped_column(String(100), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str | None] = mapped_column(Text)
    need_area: Mapped[str] = mapped_column(String(40), index=True)
    delivery_modes: Mapped[list[str]] = mapped_column(JSON)
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    unit: Mapped[str] = mapped_column(String(20))
    extra: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]

    provider: Mapped[CatalogProvider] = relationship(back_populates="services")
    areas: Mapped[list[ServiceArea]] = relationship(cascade="all, delete-orphan", order_by="ServiceArea.id")
    beneficiaries: Mapped[list[ServiceBeneficiary]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceBeneficiary.beneficiary_group"
    )

    @property
    def beneficiary_groups(self) -> list[str]:
        """The groups in the contract's order (workers first), not alphabetically."""
        order = {group.value: position for position, group in enumerate(BeneficiaryGroup)}
        return sorted(
            (row.beneficiary_group for row in self.beneficiaries), key=lambda group: order.get(group, 99)
        )


class ServiceArea(Base):
    """One place a service covers: a whole province (no municipality) or one municipality in it."""

    __tablename__ = "service_area"
    __table_args__ = (Index("ix_service_area_place", "province_code", "municipality_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service_type.id", ondelete="CASCADE"), index=True)
    province_code: Mapped[str] = mapped_column(String(3))
    municipality_code: Mapped[str | None] = mapped_column(String(6))


class ServiceBeneficiary(Base):
    __tablename__ = "service_beneficiary"

    service_id: Mapped[int] = mapped_column(
        ForeignKey("service_type.id", ondelete="CASCADE"), primary_key=True
    )
    beneficiary_group: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class CatalogState(Base):
    """What the last sync left: how many services are offered (the catalog page's total, read in one row
    instead of counting a large table on every page). Only the sync writes the catalog tables."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    active_services: Mapped[int]
    synced_at: Mapped[datetime]


class CatalogTransfer(Base):
    """An administrator handed a provider key and its services from one plugin to another."""

    __tablename__ = "catalog_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_key: Mapped[str] = mapped_column(String(100), index=True)
    from_plugin: Mapped[str] = mapped_column(String(100))
    to_plugin: Mapped[str] = mapped_column(String(100))
    services: Mapped[int]
    transferred_at: Mapped[datetime]
