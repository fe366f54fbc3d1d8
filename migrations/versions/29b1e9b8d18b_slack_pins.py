"""slack_pins: where the tickets channel's hourly pinned list is, so it is edited in place after a restart

Revision ID: 29b1e9b8d18b
Revises: b7c1d2e3f4a5
Create Date: 2026-11-30 01:22:03.702399

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '29b1e9b8d18b'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('slack_pins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('ts', sa.String(length=40), nullable=True),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_pins')),
    sa.UniqueConstraint('name', name=op.f('uq_slack_pins_name'))
    )


def downgrade():
    op.drop_table('slack_pins')
