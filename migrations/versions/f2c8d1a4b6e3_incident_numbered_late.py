"""incidents.number may be empty inside the declaring transaction, which numbers the incident last

Revision ID: f2c8d1a4b6e3
Revises: eefb3662c96c
Create Date: 2026-11-30 05:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2c8d1a4b6e3'
down_revision = 'eefb3662c96c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.alter_column('number', existing_type=sa.Integer(), nullable=True)


def downgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.alter_column('number', existing_type=sa.Integer(), nullable=False)
