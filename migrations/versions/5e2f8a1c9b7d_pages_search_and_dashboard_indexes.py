"""pages: trigram search indexes on PostgreSQL, a covering index for the dashboard's counts

Revision ID: 5e2f8a1c9b7d
Revises: 5e1d7a2c9b40
Create Date: 2026-11-29 19:30:00

The trigram (pg_trgm GIN) indexes let `ILIKE '%word%'` on titles and details use an index on
PostgreSQL. They are created only there; SQLite keeps scanning. The models leave them out
(app.models.sql.include_name), so schema comparison does not see them as drift.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e2f8a1c9b7d'
down_revision = '5e1d7a2c9b40'
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = [
    ("ix_incidents_title_trgm", "incidents", "title"),
    ("ix_incidents_description_trgm", "incidents", "description"),
    ("ix_tickets_title_trgm", "tickets", "title"),
    ("ix_tickets_details_trgm", "tickets", "details"),
]


def upgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index('ix_incidents_status_severity_assignee',
                              ['status', 'severity', 'assignee_id', 'org_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in TRIGRAM_INDEXES:
            op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, _, _ in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_incidents_status_severity_assignee')
