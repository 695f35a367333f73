"""Writing many rows at once: PostgreSQL's COPY where the database is PostgreSQL, executemany elsewhere.

An INSERT of many rows through psycopg still sends and plans one statement per row; ``COPY ... FROM
STDIN`` streams the rows in one command and is several times faster for the catalog's first sync (100,000
services with their places and groups). Both run inside the session's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlalchemy import JSON, Integer, Table, any_, bindparam, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

# executemany batches: large enough to amortise the statement, small enough to bound memory
_BATCH = 2_000


def is_postgresql(session: Session) -> bool:
    """Whether ``session`` talks to PostgreSQL (COPY and arrays) rather than SQLite."""
    return session.get_bind().dialect.name == "postgresql"


def id_in(session: Session, column, ids: Sequence[int]):
    """``column IN ids``; on PostgreSQL as ``= ANY(array)``, one parameter however many ids (a statement
    with thousands of parameters costs more to send and parse than to run)."""
    if is_postgresql(session):
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)


def batch_size(session: Session) -> int:
    """Ids per statement: SQLite binds each id as its own parameter; PostgreSQL takes an array."""
    return 10_000 if is_postgresql(session) else 500


def insert_rows(session: Session, table: Table, rows: Sequence[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys, named after ``table``'s columns) into ``table``."""
    if not rows:
        return
    if is_postgresql(session):
        copy_rows(session, table.name, list(rows[0]), _copy_values(table, rows))
        return
    for start in range(0, len(rows), _BATCH):
        session.execute(insert(table), rows[start : start + _BATCH])


def copy_rows(session: Session, table_name: str, columns: list[str], rows: Iterable[Sequence]) -> None:
    """Stream ``rows`` (tuples in the order of ``columns``) into a PostgreSQL table with COPY."""
    connection = session.connection().connection.driver_connection  # psycopg, in the session's transaction
    names = ", ".join(f'"{name}"' for name in columns)
    with connection.cursor() as cursor, cursor.copy(f'COPY "{table_name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def _copy_values(table: Table, rows: Sequence[dict]) -> Iterable[tuple]:
    """Rows as tuples; JSON columns as JSON text (COPY's text format hands it to the column's type)."""
    names = list(rows[0])
    as_json = [isinstance(table.c[name].type, JSON) for name in names]
    if not any(as_json):
        for row in rows:
            yield tuple(row[name] for name in names)
        return
    for row in rows:
        yield tuple(
            json.dumps(row[name]) if encode and row[name] is not None else row[name]
            for name, encode in zip(names, as_json, strict=True)
        )
