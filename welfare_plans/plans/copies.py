"""Copying rows for a new version or next year's plan."""

from __future__ import annotations

# what a copy does not inherit: its identity, place in the lineage, status and audit fields
_NOT_COPIED = {
    "id", "plan_id", "lineage_id", "version", "previous_id", "status",
    "created_at", "created_by_id", "updated_at", "finalised_at", "finalised_by_id", "part_id",
}  # fmt: skip


def clone(row, model, **values):
    """A new ``model`` row with the content columns of ``row``; JSON lists are copied, not shared."""
    for column in model.__table__.columns:
        if column.key not in _NOT_COPIED and column.key not in values:
            value = getattr(row, column.key)
            values[column.key] = list(value) if isinstance(value, list) else value
    return model(**values)
