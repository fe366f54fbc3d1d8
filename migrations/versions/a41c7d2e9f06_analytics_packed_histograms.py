"""analytics rollup: each cell's duration histograms packed into one integer (bytes) instead of JSON

The cells are recomputed rather than converted: they are emptied and every day that holds
incidents or tickets is queued, so the pages compute those days from the records (correct,
slower) until the worker or `flask analytics rebuild` has filled the rollup again.

Revision ID: a41c7d2e9f06
Revises: 3f9c2d7a5e18
Create Date: 2026-11-30 04:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a41c7d2e9f06'
down_revision = '3f9c2d7a5e18'
branch_labels = None
depends_on = None


def _queue_every_day():
    for record, table in (('incident', 'incidents'), ('ticket', 'tickets')):
        op.execute(f"INSERT INTO analytics_dirty_days (record, day) "
                   f"SELECT DISTINCT '{record}', date(created_at) FROM {table} UNION "
                   f"SELECT DISTINCT '{record}', date(resolved_at) FROM {table} WHERE resolved_at IS NOT NULL")


def upgrade():
    op.execute("DELETE FROM analytics_rollup")
    with op.batch_alter_table('analytics_rollup', schema=None) as batch_op:
        batch_op.drop_column('histograms')
        batch_op.add_column(sa.Column('durations', sa.LargeBinary(), nullable=False))
    _queue_every_day()


def downgrade():
    op.execute("DELETE FROM analytics_rollup")
    with op.batch_alter_table('analytics_rollup', schema=None) as batch_op:
        batch_op.drop_column('durations')
        batch_op.add_column(sa.Column('histograms', sa.JSON(), nullable=False))
    _queue_every_day()
