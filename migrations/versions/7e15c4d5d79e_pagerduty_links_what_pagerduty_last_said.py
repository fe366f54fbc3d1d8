"""pagerduty links: what PagerDuty's newest webhook said (status, assignee, when), so Check status answers at once

Revision ID: 7e15c4d5d79e
Revises: c4e8a1f2b3d6
Create Date: 2026-11-30 01:30:24.317847

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e15c4d5d79e'
down_revision = 'c4e8a1f2b3d6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pagerduty_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pd_status', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('pd_assignee', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('pd_seen_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('pagerduty_links', schema=None) as batch_op:
        batch_op.drop_column('pd_seen_at')
        batch_op.drop_column('pd_assignee')
        batch_op.drop_column('pd_status')
