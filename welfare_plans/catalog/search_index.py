"""The catalog's search index: full text and every filter in inverted indexes.

Each active service has one entry: its words (Italian and English names and descriptions, the
provider's name) and *keys* for the filters (need area, beneficiary groups, municipalities, whole
provinces). A catalog page then asks the index once for the matching ids, however many filters it has,
instead of probing the area and group tables row by row.

- SQLite: an FTS5 table ``service_search`` (rowid = service id), words folded to ASCII; each word the
  user types matches as a prefix ("domicil" finds "domiciliare").
- PostgreSQL: two tables of ``tsvector`` columns with GIN indexes, ``service_search`` for the keys and
  ``service_search_words`` for the words (narrow rows count faster); the words are stemmed in Italian and
  in English ("nidi" finds "nido"), and match as prefixes too. The vectors are stripped of positions and
  weights, which no query uses.

The index lives outside the SQLAlchemy models (it is a different kind of table on each database); it is
created by migrations 0008 and 0009 and kept current by :func:`welfare_plans.catalog.sync.sync_catalog`,
which rebuilds it whole when its size does not match the catalog (after an upgrade, say).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..domain.territory import Municipality, Province
from ..models import CatalogProvider, CatalogService, ServiceArea, ServiceBeneficiary
from . import bulk

log = logging.getLogger(__name__)

TABLE = "service_search"
_WORD = re.compile(r"\w+", re.UNICODE)


def key(kind: str, value: str) -> str:
    """A filter as a word of the index: ``area:elderly_care`` becomes ``kareaelderlycare``."""
    return "k" + kind + re.sub(r"[^0-9a-z]", "", value.lower())


def filter_keys(need_area: str | None, place, group: str | None) -> list[list[str]]:
    """The keys a service must have: a list of alternatives for each filter (all filters must hold)."""
    clauses = []
    if need_area:
        clauses.append([key("area", need_area)])
    if group:
        clauses.append([key("group", group)])
    if place is not None:
        clauses.append(place_keys(place))
    return clauses


def place_keys(place: Municipality | Province) -> list[str]:
    """The keys of the services offered in ``place``, any one of them will do."""
    if isinstance(place, Municipality):  # the municipality itself, or its whole province
        return [key("mun", place.code), key("prov", place.province.code)]
    return [key("inprov", place.code)]  # anywhere in the province


def words(text_: str | None) -> list[str]:
    """The words a user typed, lower-cased, at most eight of them."""
    return _WORD.findall((text_ or "").lower())[:8]


# -- building ----------------------------------------------------------------------------------------------
def _entries(session: Session, service_ids: list[int]) -> list[dict]:
    """The index entries of the given services (those still active), read from the catalog tables."""
    rows = session.execute(
        select(CatalogService.id, CatalogService.need_area, CatalogService.name, CatalogService.name_en,
               CatalogService.description, CatalogService.description_en, CatalogProvider.name)
        .join(CatalogProvider, CatalogProvider.id == CatalogService.provider_id)
        .where(bulk.id_in(session, CatalogService.id, service_ids), CatalogService.withdrawn_at.is_(None))
    ).all()  # fmt: skip
    keys: dict[int, list[str]] = defaultdict(list)
    for service_id, province, municipality in session.execute(
        select(ServiceArea.service_id, ServiceArea.province_code, ServiceArea.municipality_code).where(
            bulk.id_in(session, ServiceArea.service_id, service_ids)
        )
    ):
        keys[service_id].append(key("inprov", province))
        keys[service_id].append(key("mun", municipality) if municipality else key("prov", province))
    for service_id, group in session.execute(
        select(ServiceBeneficiary.service_id, ServiceBeneficiary.beneficiary_group).where(
            bulk.id_in(session, ServiceBeneficiary.service_id, service_ids)
        )
    ):
        keys[service_id].append(key("group", group))
    return [
        {
            "id": service_id,
            "keys": " ".join(dict.fromkeys([key("area", area), *keys[service_id]])),
            "body_it": " ".join(filter(None, [name, description, provider])),
            "body_en": " ".join(filter(None, [name_en, description_en])),
        }
        for service_id, area, name, name_en, description, description_en, provider in rows
    ]


def refresh(session: Session, service_ids: Iterable[int]) -> None:
    """Rewrite the entries of these services: active ones from the catalog, withdrawn ones removed."""
    ids = sorted(set(service_ids))
    size = bulk.batch_size(session)
    if bulk.is_postgresql(session):
        # the entries go in with COPY to a scratch table, and the server turns them into tsvectors with
        # INSERT ... SELECT (one statement per entry would spend more time in the driver than in the server)
        session.execute(text(_LOAD_TABLE))
        for start in range(0, len(ids), size):
            batch = ids[start : start + size]
            for table in _PG_TABLES:
                session.execute(text(f"DELETE FROM {table} WHERE service_id = ANY(:ids)"), {"ids": batch})  # noqa: S608
            bulk.copy_rows(
                session, "service_search_load", ["service_id", "keys", "body_it", "body_en"],
                ((entry["id"], entry["keys"], entry["body_it"], entry["body_en"]) for entry in _entries(session, batch)),
            )  # fmt: skip
        for statement in _LOAD_INDEX:
            session.execute(text(statement))
        session.execute(text("TRUNCATE service_search_load"))
        if len(ids) > _MERGE_AFTER:
            _merge_pending_entries(session)
        return
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        entries = _entries(session, batch)
        session.execute(
            text("DELETE FROM service_search WHERE rowid IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": batch},
        )
        if entries:
            session.execute(
                text(
                    "INSERT INTO service_search (rowid, keys, body) VALUES (:id, :keys, :body_it || ' ' || :body_en)"
                ),
                entries,
            )


_LOAD_TABLE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS service_search_load "
    "(service_id INTEGER, keys TEXT, body_it TEXT, body_en TEXT) ON COMMIT DELETE ROWS"
)
# stripped vectors (lexemes without positions or weights): matching needs neither, and a count of many
# matches costs what the matching rows weigh (PostgreSQL rechecks each of them)
_LOAD_INDEX = (
    "INSERT INTO service_search (service_id, keys) "
    "SELECT service_id, strip(to_tsvector('simple', keys)) FROM service_search_load",
    "INSERT INTO service_search_words (service_id, body) "
    "SELECT service_id, strip(to_tsvector('italian', body_it) || to_tsvector('english', body_en)) "
    "FROM service_search_load",
)
# PostgreSQL's index: the filter keys, and the words in a table of their own (see migration 0009)
_PG_TABLES = ("service_search", "service_search_words")


# GIN indexes take new entries into a pending list, which every search reads in full until autovacuum
# merges it into the index: after writing this many entries, merge them at once
_MERGE_AFTER = 1_000


def _merge_pending_entries(session: Session) -> None:
    try:
        with session.begin_nested():
            session.execute(
                text(
                    "SELECT gin_clean_pending_list('ix_service_search_keys'), "
                    "gin_clean_pending_list('ix_service_search_words_body')"
                )
            )
    except DBAPIError as error:  # only the indexes' owner may: autovacuum will do it later
        log.warning("could not merge the search index's pending entries: %s", error.orig)


def rebuild_if_needed(session: Session) -> int:
    """Rebuild the whole index when it does not hold exactly the active services; returns their number."""
    active = session.scalar(select(func.count()).where(CatalogService.withdrawn_at.is_(None)))
    tables = _PG_TABLES if bulk.is_postgresql(session) else (TABLE,)
    indexed = {session.scalar(text(f"SELECT count(*) FROM {table}")) for table in tables}  # noqa: S608
    if indexed != {active}:
        for table in tables:
            session.execute(text(f"DELETE FROM {table}"))  # noqa: S608
        refresh(
            session, session.scalars(select(CatalogService.id).where(CatalogService.withdrawn_at.is_(None)))
        )
    return active


# -- searching ---------------------------------------------------------------------------------------------
def matching_ids(session: Session, clauses: list[list[str]], typed: list[str]):
    """A subquery of the ids of the services that have every filter's key and every typed word."""
    if session.get_bind().dialect.name == "sqlite":
        parts = [
            "(" + " OR ".join(f"keys:{alternative}" for alternative in clause) + ")" for clause in clauses
        ]
        parts += ['body:"' + word.replace('"', '""') + '"*' for word in typed]
        return (
            select(text("rowid"))
            .select_from(text(TABLE))
            .where(text("service_search MATCH :fts"))
            .params(fts=" AND ".join(parts))
        )
    conditions, params, tables = [], {}, []
    if clauses:
        params["keys"] = " & ".join("(" + " | ".join(clause) + ")" for clause in clauses)
        conditions.append("k.keys @@ to_tsquery('simple', :keys)")
        tables.append("service_search k")
    if typed:
        params["words"] = " & ".join(f"{word}:*" for word in typed)
        conditions.append("w.body @@ (to_tsquery('italian', :words) || to_tsquery('english', :words))")
        tables.append("service_search_words w")
    if len(tables) == 2:
        conditions.append("w.service_id = k.service_id")
    alias = tables[0].split()[1]
    return (
        select(text(f"{alias}.service_id"))
        .select_from(text(", ".join(tables)))
        .where(text(" AND ".join(conditions)))
        .params(**params)
    )
