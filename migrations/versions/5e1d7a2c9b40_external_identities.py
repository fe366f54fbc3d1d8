"""External identities: users.slack_user_id becomes a (provider, external id) row per linked account

Revision ID: 5e1d7a2c9b40
Revises: b7d41c9e5a10
Create Date: 2026-11-29 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1d7a2c9b40'
down_revision = 'b7d41c9e5a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('external_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_external_identities_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_identities')),
    sa.UniqueConstraint('provider', 'external_id', name='uq_external_identities_provider_external_id'),
    sa.UniqueConstraint('provider', 'user_id', name='uq_external_identities_provider_user_id')
    )
    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_identities_user_id'), ['user_id'], unique=False)

    op.execute("INSERT INTO external_identities (provider, external_id, user_id, created_at) "
               "SELECT 'slack', slack_user_id, id, created_at FROM users WHERE slack_user_id IS NOT NULL")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_slack_user_id'), type_='unique')
        batch_op.drop_column('slack_user_id')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slack_user_id', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_slack_user_id'), ['slack_user_id'])

    op.execute("UPDATE users SET slack_user_id = (SELECT external_id FROM external_identities "
               "WHERE external_identities.user_id = users.id AND provider = 'slack')")

    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_identities_user_id'))

    op.drop_table('external_identities')

