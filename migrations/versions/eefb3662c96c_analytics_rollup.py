"""analytics rollup: cells per day and week, the queue of days to refresh, incidents.resolved_at index

Every day that already holds incidents or tickets is queued, so the pages compute those days
from the records (correct, as slow as before) until the worker or `flask analytics rebuild`
has filled the rollup.

Revision ID: eefb3662c96c
Revises: 5b967c7f0d4e
Create Date: 2026-11-30 01:26:37

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eefb3662c96c'
down_revision = '5b967c7f0d4e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('analytics_dirty_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record', sa.String(length=10), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analytics_dirty_days'))
    )
    with op.batch_alter_table('analytics_dirty_days', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_dirty_days_record_day', ['record', 'day'], unique=False)

    op.create_table('analytics_rollup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record', sa.String(length=10), nullable=False),
    sa.Column('basis', sa.String(length=10), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('product_area_id', sa.Integer(), nullable=True),
    sa.Column('grouping', sa.String(length=20), nullable=False),
    sa.Column('group_key', sa.String(length=40), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('met', sa.Integer(), nullable=False),
    sa.Column('breached', sa.Integer(), nullable=False),
    sa.Column('histograms', sa.JSON(), nullable=False),
    sa.Column('longest', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analytics_rollup'))
    )
    with op.batch_alter_table('analytics_rollup', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_rollup_read', ['record', 'basis', 'grouping', 'days', 'starts_on'], unique=False)
        batch_op.create_index('ix_analytics_rollup_slot', ['record', 'starts_on'], unique=False)

    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_resolved_at'), ['resolved_at'], unique=False)

    for record, table in (('incident', 'incidents'), ('ticket', 'tickets')):
        op.execute(f"INSERT INTO analytics_dirty_days (record, day) "
                   f"SELECT DISTINCT '{record}', date(created_at) FROM {table} UNION "
                   f"SELECT DISTINCT '{record}', date(resolved_at) FROM {table} WHERE resolved_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incidents_resolved_at'))

    with op.batch_alter_table('analytics_rollup', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_rollup_slot')
        batch_op.drop_index('ix_analytics_rollup_read')

    op.drop_table('analytics_rollup')
    with op.batch_alter_table('analytics_dirty_days', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_dirty_days_record_day')

    op.drop_table('analytics_dirty_days')
