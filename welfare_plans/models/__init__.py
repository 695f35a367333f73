"""SQLAlchemy mapped classes, one module per aggregate."""

from .accounts import User
from .catalog import CatalogProvider, CatalogService, ServiceArea, ServiceBeneficiary

__all__ = ["CatalogProvider", "CatalogService", "ServiceArea", "ServiceBeneficiary", "User"]
