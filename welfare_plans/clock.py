"""The time the application records: naive UTC, as the database columns store it."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time in UTC, without a time zone (the columns are ``TIMESTAMP WITHOUT TIME ZONE``)."""
    return datetime.now(UTC).replace(tzinfo=None)
