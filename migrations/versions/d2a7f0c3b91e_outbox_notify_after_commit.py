"""outbox: no NOTIFY trigger; the writer notifies after its commit, so writers no longer commit one at a time

Revision ID: d2a7f0c3b91e
Revises: eefb3662c96c
Create Date: 2026-11-30 05:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd2a7f0c3b91e'
down_revision = 'eefb3662c96c'
branch_labels = None
depends_on = None

# The trigger and function of c4e8a1f2b3d6, frozen here for the downgrade.
FUNCTION = ("CREATE OR REPLACE FUNCTION relay_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_notify('relay_outbox', ''); RETURN NULL; END $$")
TRIGGER = ("CREATE TRIGGER deliveries_notify AFTER INSERT ON deliveries FOR EACH ROW "
           "EXECUTE FUNCTION relay_outbox_notify()")


def upgrade():
    # A NOTIFY inside the writing transaction holds a database-wide lock through the commit's
    # WAL flush; app/outbox/wake.py sends it after the commit instead.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS deliveries_notify ON deliveries")
        op.execute("DROP FUNCTION IF EXISTS relay_outbox_notify()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)
        op.execute(TRIGGER)
