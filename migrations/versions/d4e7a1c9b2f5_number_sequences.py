"""incident and ticket numbers from sequences on PostgreSQL, starting after the numbers already taken

Revision ID: d4e7a1c9b2f5
Revises: c5d8e2f1a7b3
Create Date: 2026-11-30 05:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4e7a1c9b2f5'
down_revision = 'c5d8e2f1a7b3'
branch_labels = None
depends_on = None

# (counter name, sequence, table numbered by it); SQLite keeps its counter rows.
NUMBERED = [("incident", "incident_number_seq", "incidents"), ("ticket", "ticket_number_seq", "tickets")]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, sequence, table in NUMBERED:
        op.execute(f"CREATE SEQUENCE {sequence}")
        op.execute(f"SELECT setval('{sequence}', GREATEST("
                   f"(SELECT COALESCE(MAX(value), 0) FROM counters WHERE name = '{name}'), "
                   f"(SELECT COALESCE(MAX(number), 0) FROM {table})) + 1, false)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, sequence, table in NUMBERED:
        # The counter goes on after the last number the sequence handed out (or a row still holds).
        op.execute(f"INSERT INTO counters (name, value) SELECT '{name}', GREATEST("
                   f"(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}), "
                   f"(SELECT COALESCE(MAX(number), 0) FROM {table})) "
                   f"ON CONFLICT (name) DO UPDATE SET value = GREATEST(counters.value, EXCLUDED.value)")
        op.execute(f"DROP SEQUENCE {sequence}")
