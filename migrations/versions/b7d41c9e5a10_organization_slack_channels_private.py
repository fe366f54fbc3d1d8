"""organizations: incident channels in Slack private unless chosen otherwise

Revision ID: b7d41c9e5a10
Revises: a881bc640a8a
Create Date: 2026-11-29 19:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d41c9e5a10'
down_revision = 'a881bc640a8a'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: batch mode would rebuild the table on SQLite, which its foreign keys refuse
    # once users and incidents point at it.
    op.add_column('organizations', sa.Column('slack_channels_private', sa.Boolean(), server_default=sa.true(),
                                             nullable=False))


def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('slack_channels_private')
