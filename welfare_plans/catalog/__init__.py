"""The provider catalog: what plugins contribute, kept in the database and searched.

- :mod:`.collection` calls the ``register_*`` hooks, validates the results and keeps them on the app
  (:func:`get_contributions`); :func:`sync_contributions` syncs them and reports what was refused.
- :mod:`.ownership` reads who owns a provider key or service code, and hands a provider on
  (:func:`transfer`).
- :mod:`.sync` makes the catalog tables match the contributions (:func:`sync_catalog`), writing in bulk
  through :mod:`.bulk` (COPY on PostgreSQL).
- :mod:`.search_index` keeps the full-text and filter index of active services and asks it for matches.
- :mod:`.queries` answers the catalog page and what the wizard and the network pages ask of the catalog.
- :mod:`.startup` syncs when the app starts serving (``CATALOG_SYNC_ON_STARTUP``), never for a command.
"""

from .collection import collect, get_contributions, set_contributions, sync_contributions
from .ownership import Transfer, TransferError, owned_providers, transfer
from .queries import (
    CatalogQuery,
    Page,
    basket_candidates,
    covered_places,
    search_services,
    services_by_need_area,
    withdrawn_services,
)
from .startup import install_startup_sync, run_startup_sync
from .sync import Counts, SyncReport, sync_catalog

__all__ = [
    "CatalogQuery",
    "Counts",
    "Page",
    "SyncReport",
    "Transfer",
    "TransferError",
    "basket_candidates",
    "collect",
    "covered_places",
    "get_contributions",
    "install_startup_sync",
    "owned_providers",
    "run_startup_sync",
    "search_services",
    "services_by_need_area",
    "set_contributions",
    "sync_catalog",
    "sync_contributions",
    "transfer",
    "withdrawn_services",
]
