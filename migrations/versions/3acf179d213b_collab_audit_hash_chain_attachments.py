"""collab: audit hash chain, attachments

Revision ID: 3acf179d213b
Revises: 187341ae38b6
Create Date: 2026-11-26 13:28:05.008565

"""
from datetime import datetime
import hashlib
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3acf179d213b'
down_revision = '187341ae38b6'
branch_labels = None
depends_on = None

# A frozen copy of app.models.audit.chain_hash, so this migration never changes meaning.
GENESIS_HASH = "0" * 64
HASHED_FIELDS = ("org_id", "subject_type", "subject_id", "actor_id", "source", "action",
                 "field", "old_value", "new_value", "created_at")


def _canonical(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def chain_hash(content, prev_hash):
    payload = {name: _canonical(content[name]) for name in HASHED_FIELDS}
    payload["prev_hash"] = prev_hash
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    # Chain the events recorded before this migration, oldest first.
    bind = op.get_bind()
    events = sa.table('audit_events', sa.column('id', sa.Integer), sa.column('prev_hash', sa.String),
                      sa.column('hash', sa.String), sa.column('created_at', sa.DateTime),
                      *[sa.column(name) for name in HASHED_FIELDS if name != 'created_at'])
    prev_hash, count = GENESIS_HASH, 0
    for row in bind.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        digest = chain_hash(row, prev_hash)
        bind.execute(events.update().where(events.c.id == row['id']).values(prev_hash=prev_hash, hash=digest))
        prev_hash, count = digest, count + 1
    counters = sa.table('counters', sa.column('name', sa.String), sa.column('value', sa.Integer))
    bind.execute(counters.delete().where(counters.c.name == 'audit_chain'))
    bind.execute(counters.insert().values(name='audit_chain', value=count))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_attachments_incident_id_incidents'), ondelete='CASCADE'),
    sa.CheckConstraint('(incident_id IS NULL AND ticket_id IS NOT NULL) OR (incident_id IS NOT NULL AND ticket_id IS NULL)', name=op.f('ck_attachments_one_subject')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_attachments_org_id_organizations')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_attachments_ticket_id_tickets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_attachments_uploader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_attachments_storage_key'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index('ix_attachments_incident_created', ['incident_id', 'created_at'], unique=False)
        batch_op.create_index('ix_attachments_ticket_created', ['ticket_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_uploader_id'), ['uploader_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_uploader_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_org_id'))
        batch_op.drop_index('ix_attachments_ticket_created')
        batch_op.drop_index('ix_attachments_incident_created')

    op.drop_table('attachments')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
    op.execute("DELETE FROM counters WHERE name = 'audit_chain'")
