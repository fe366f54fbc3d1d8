"""tickets: campaigns, issue types, tickets, comments on tickets

Revision ID: 187341ae38b6
Revises: c3b9a9fbf4ba
Create Date: 2026-11-26 13:26:37.516725

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '187341ae38b6'
down_revision = 'c3b9a9fbf4ba'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('name', name=op.f('uq_campaigns_name'))
    )
    op.create_table('issue_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issue_types')),
    sa.UniqueConstraint('name', name=op.f('uq_issue_types_name'))
    )
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('external_url', sa.String(length=500), nullable=True),
    sa.Column('priority', sa.Enum('low', 'medium', 'high', 'critical', name='priority', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('open', 'in_progress', 'resolved', 'closed', name='ticketstatus', native_enum=False, length=20), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('issue_type_id', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('resolution_notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_tickets_assignee_id_users')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_tickets_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_tickets_incident_id_incidents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issue_type_id'], ['issue_types.id'], name=op.f('fk_tickets_issue_type_id_issue_types')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_tickets_org_id_organizations')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_tickets_reporter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('incident_id', name=op.f('uq_tickets_incident_id')),
    sa.UniqueConstraint('number', name=op.f('uq_tickets_number'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_issue_type_id'), ['issue_type_id'], unique=False)
        batch_op.create_index('ix_tickets_org_created', ['org_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_tickets_org_status', ['org_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_priority'), ['priority'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_status'), ['status'], unique=False)
        batch_op.create_index('ix_tickets_status_priority', ['status', 'priority'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_updated_at'), ['updated_at'], unique=False)

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket_id', sa.Integer(), nullable=True))
        batch_op.alter_column('incident_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index('ix_comments_ticket_created', ['ticket_id', 'created_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_comments_ticket_id_tickets'), 'tickets', ['ticket_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(
            op.f('ck_comments_one_subject'),
            '(incident_id IS NULL AND ticket_id IS NOT NULL) OR (incident_id IS NOT NULL AND ticket_id IS NULL)')



def downgrade():
    op.execute("DELETE FROM comments WHERE ticket_id IS NOT NULL")
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_comments_one_subject'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_comments_ticket_id_tickets'), type_='foreignkey')
        batch_op.drop_index('ix_comments_ticket_created')
        batch_op.alter_column('incident_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('ticket_id')

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_updated_at'))
        batch_op.drop_index('ix_tickets_status_priority')
        batch_op.drop_index(batch_op.f('ix_tickets_status'))
        batch_op.drop_index(batch_op.f('ix_tickets_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_priority'))
        batch_op.drop_index('ix_tickets_org_status')
        batch_op.drop_index(batch_op.f('ix_tickets_org_id'))
        batch_op.drop_index('ix_tickets_org_created')
        batch_op.drop_index(batch_op.f('ix_tickets_issue_type_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_created_at'))
        batch_op.drop_index(batch_op.f('ix_tickets_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_assignee_id'))

    op.drop_table('tickets')
    op.drop_table('issue_types')
    op.drop_table('campaigns')
