"""Slack: users.slack_user_id, where our Slack messages live, handled Slack requests

Revision ID: a881bc640a8a
Revises: 3cab0ff49a3e
Create Date: 2026-11-26 13:29:01.931103

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a881bc640a8a'
down_revision = '3cab0ff49a3e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('slack_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('ts', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_messages')),
    sa.UniqueConstraint('subject_type', 'subject_id', 'slot', name='uq_slack_messages_subject_slot')
    )
    op.create_table('slack_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_receipts')),
    sa.UniqueConstraint('key', name=op.f('uq_slack_receipts_key'))
    )
    with op.batch_alter_table('slack_receipts', schema=None) as batch_op:
        batch_op.create_index('ix_slack_receipts_created', ['created_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slack_user_id', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_slack_user_id'), ['slack_user_id'])



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_slack_user_id'), type_='unique')
        batch_op.drop_column('slack_user_id')

    with op.batch_alter_table('slack_receipts', schema=None) as batch_op:
        batch_op.drop_index('ix_slack_receipts_created')

    op.drop_table('slack_receipts')
    op.drop_table('slack_messages')
