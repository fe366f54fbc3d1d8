"""analytics rollup: the read index ends with organization and product area, so a page's filters are checked in it

Revision ID: c5d8e2f1a7b3
Revises: 7b3e5a9c1d42
Create Date: 2026-11-30 05:35:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c5d8e2f1a7b3'
down_revision = '7b3e5a9c1d42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('analytics_rollup', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_rollup_read')
        batch_op.create_index('ix_analytics_rollup_read', ['record', 'basis', 'grouping', 'days', 'starts_on', 'org_id',
                                                           'product_area_id'], unique=False)


def downgrade():
    with op.batch_alter_table('analytics_rollup', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_rollup_read')
        batch_op.create_index('ix_analytics_rollup_read', ['record', 'basis', 'grouping', 'days', 'starts_on'],
                              unique=False)
