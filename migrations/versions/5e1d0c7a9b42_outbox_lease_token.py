"""outbox: deliveries.lease_token, so only the worker holding a lease records its outcome

Revision ID: 5e1d0c7a9b42
Revises: 5e1f0c2a9b7d
Create Date: 2026-11-29 19:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1d0c7a9b42'
down_revision = '5e1f0c2a9b7d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_token', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('lease_token')
