"""tickets.resolved_at index: analytics count resolutions per week without reading the whole table

Revision ID: b7c1d2e3f4a5
Revises: 3fa03b2ab80e
Create Date: 2026-11-29 23:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7c1d2e3f4a5'
down_revision = '3fa03b2ab80e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_resolved_at'), ['resolved_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_resolved_at'))
