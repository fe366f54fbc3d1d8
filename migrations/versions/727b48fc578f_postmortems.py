"""postmortems, action items, key comments and the closing setting

Revision ID: 727b48fc578f
Revises: d3a56ba0bf5d
Create Date: 2026-11-29 22:12:54.028805

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '727b48fc578f'
down_revision = 'd3a56ba0bf5d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('postmortems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', name='postmortemstatus', native_enum=False, length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('timeline', sa.Text(), nullable=False),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('root_cause', sa.Text(), nullable=False),
    sa.Column('went_well', sa.Text(), nullable=False),
    sa.Column('went_wrong', sa.Text(), nullable=False),
    sa.Column('lessons', sa.Text(), nullable=False),
    sa.Column('internal_notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_postmortems_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_postmortems_org_id_organizations')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_postmortems_published_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_postmortems_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortems')),
    sa.UniqueConstraint('incident_id', name=op.f('uq_postmortems_incident_id'))
    )
    with op.batch_alter_table('postmortems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postmortems_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_postmortems_org_status_published', ['org_id', 'status', 'published_at'], unique=False)
        batch_op.create_index('ix_postmortems_status_published', ['status', 'published_at'], unique=False)

    op.create_table('postmortem_action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('postmortem_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['postmortem_id'], ['postmortems.id'], name=op.f('fk_postmortem_action_items_postmortem_id_postmortems'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_postmortem_action_items_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortem_action_items')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_postmortem_action_items_ticket_id'))
    )
    with op.batch_alter_table('postmortem_action_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postmortem_action_items_postmortem_id'), ['postmortem_id'], unique=False)

    # Plain ADD COLUMNs: batch mode would rebuild the tables on SQLite, which the foreign keys
    # pointing at organizations refuse. Existing rows get the defaults: no key comments, no rule.
    op.add_column('comments', sa.Column('is_key', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('organizations', sa.Column('postmortem_required_to_close', sa.Boolean(),
                                             server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('postmortem_required_to_close')

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('is_key')

    with op.batch_alter_table('postmortem_action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postmortem_action_items_postmortem_id'))

    op.drop_table('postmortem_action_items')
    with op.batch_alter_table('postmortems', schema=None) as batch_op:
        batch_op.drop_index('ix_postmortems_status_published')
        batch_op.drop_index('ix_postmortems_org_status_published')
        batch_op.drop_index(batch_op.f('ix_postmortems_org_id'))

    op.drop_table('postmortems')
