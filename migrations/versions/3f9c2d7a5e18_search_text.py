"""search text: a lowercased copy of incident and ticket titles and bodies, trigram-indexed, on PostgreSQL

Revision ID: 3f9c2d7a5e18
Revises: f2c8d1a4b6e3, d2a7f0c3b91e
Create Date: 2026-11-30 05:00:00

PostgreSQL runs `ILIKE` by lowercasing every row it tests; the lists now search `search_text`
(lower(title) || newline || lower(body), a generated column PostgreSQL keeps current) with LIKE,
through one trigram index per table, so the four per-column trigram indexes go. SQLite: nothing.
Filling the column rewrites both tables once (ALTER TABLE ... ADD COLUMN ... STORED).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3f9c2d7a5e18'
down_revision = ('f2c8d1a4b6e3', 'd2a7f0c3b91e')  # also joins the two heads that landed beside each other
branch_labels = None
depends_on = None

SEARCHED = {"incidents": ("title", "description"), "tickets": ("title", "details")}
OLD_INDEXES = [("ix_incidents_title_trgm", "incidents", "title"),
               ("ix_incidents_description_trgm", "incidents", "description"),
               ("ix_tickets_title_trgm", "tickets", "title"),
               ("ix_tickets_details_trgm", "tickets", "details")]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, columns in SEARCHED.items():
        folded = " || E'\\n' || ".join(f"lower(coalesce({column}, ''))" for column in columns)
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_text text GENERATED ALWAYS AS ({folded}) STORED")
        op.execute(f"CREATE INDEX ix_{table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)")
    for name, _, _ in OLD_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, column in OLD_INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")
    for table in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_trgm")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_text")
