"""outbox: on PostgreSQL each new delivery notifies relay_outbox at commit, so a LISTENing worker wakes at once

Revision ID: c4e8a1f2b3d6
Revises: 29b1e9b8d18b
Create Date: 2026-11-30 01:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4e8a1f2b3d6'
down_revision = '29b1e9b8d18b'
branch_labels = None
depends_on = None

# The same statements as app/models/delivery.py's NOTIFY_DDL, frozen here.
FUNCTION = ("CREATE OR REPLACE FUNCTION relay_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_notify('relay_outbox', ''); RETURN NULL; END $$")
TRIGGER = ("CREATE TRIGGER deliveries_notify AFTER INSERT ON deliveries FOR EACH ROW "
           "EXECUTE FUNCTION relay_outbox_notify()")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":  # SQLite has no NOTIFY: its workers poll
        op.execute(FUNCTION)
        op.execute(TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS deliveries_notify ON deliveries")
        op.execute("DROP FUNCTION IF EXISTS relay_outbox_notify()")
