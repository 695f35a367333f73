"""The catalog's search index on PostgreSQL: filter keys and words in two narrow tables, stripped vectors

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 09:40:00

Counting many matches makes PostgreSQL recheck each matching row in the table, so the count costs what
the rows weigh. The words move to a table of their own (``service_search_words``) and both tables keep
stripped vectors (no positions or weights, which no query uses): a search by need area or by word reads
a third to a half of what it read. The existing entries are moved, not rebuilt. SQLite's FTS5 index is
unchanged.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE service_search_words ("
        "service_id INTEGER PRIMARY KEY REFERENCES service_type (id) ON DELETE CASCADE, "
        "body TSVECTOR NOT NULL)"
    )
    op.execute(
        "INSERT INTO service_search_words (service_id, body) SELECT service_id, strip(body) FROM service_search"
    )
    op.execute("CREATE INDEX ix_service_search_words_body ON service_search_words USING gin (body)")
    op.execute("DROP INDEX ix_service_search_body")
    op.execute("ALTER TABLE service_search DROP COLUMN body")
    op.execute("UPDATE service_search SET keys = strip(keys)")  # rewrites each row without the words


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE service_search ADD COLUMN body TSVECTOR")
    op.execute(
        "UPDATE service_search SET body = coalesce("
        "(SELECT w.body FROM service_search_words w WHERE w.service_id = service_search.service_id), '')"
    )
    op.execute("ALTER TABLE service_search ALTER COLUMN body SET NOT NULL")
    op.execute("CREATE INDEX ix_service_search_body ON service_search USING gin (body)")
    op.execute("DROP TABLE service_search_words")
