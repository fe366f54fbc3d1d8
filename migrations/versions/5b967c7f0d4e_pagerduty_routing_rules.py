"""pagerduty routing: a rule per routing key (severities, product areas); the key that paged each incident

Revision ID: 5b967c7f0d4e
Revises: 7e15c4d5d79e
Create Date: 2026-11-30 01:46:13.823448

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b967c7f0d4e'
down_revision = '7e15c4d5d79e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pagerduty_integrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('routing_rules', sa.JSON(), nullable=True))

    with op.batch_alter_table('pagerduty_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('routing_key_fingerprint', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('pagerduty_links', schema=None) as batch_op:
        batch_op.drop_column('routing_key_fingerprint')

    with op.batch_alter_table('pagerduty_integrations', schema=None) as batch_op:
        batch_op.drop_column('routing_rules')
