"""audit: a hash chain per record, chain heads and sealed checkpoints

Revision ID: 5e7a0c2d9b14
Revises: 5e55a0b1d2c7
Create Date: 2026-11-29 19:10:00

Events already written keep their place on the one global chain: the first
checkpoint records where that chain ends (last id, count, last hash) so
`flask audit verify` keeps checking them the old way; later events go on their
record's chain.
"""
from datetime import datetime, timezone
import hashlib
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7a0c2d9b14'
down_revision = '5e55a0b1d2c7'
branch_labels = None
depends_on = None

# A frozen copy of app.models.audit_seal.checkpoint_hash (unkeyed), so this migration never changes meaning.
GENESIS_HASH = "0" * 64
CHECKPOINT_FIELDS = ("id", "created_at", "legacy_last_id", "legacy_count", "legacy_hash", "event_count",
                     "subject_count", "heads_digest", "keyed", "prev_hash")


def checkpoint_hash(fields):
    payload = {name: fields[name].isoformat(timespec="microseconds") if isinstance(fields[name], datetime)
               else fields[name] for name in CHECKPOINT_FIELDS}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def upgrade():
    op.create_table('audit_heads',
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('subject_type', 'subject_id', name=op.f('pk_audit_heads'))
    )
    checkpoints = op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('legacy_last_id', sa.Integer(), nullable=False),
    sa.Column('legacy_count', sa.Integer(), nullable=False),
    sa.Column('legacy_hash', sa.String(length=64), nullable=False),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('subject_count', sa.Integer(), nullable=False),
    sa.Column('heads_digest', sa.String(length=64), nullable=False),
    sa.Column('keyed', sa.Boolean(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints'))
    )
    op.create_table('audit_checkpoint_heads',
    sa.Column('checkpoint_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['audit_checkpoints.id'], name=op.f('fk_audit_checkpoint_heads_checkpoint_id_audit_checkpoints')),
    sa.PrimaryKeyConstraint('checkpoint_id', 'subject_type', 'subject_id', name=op.f('pk_audit_checkpoint_heads'))
    )
    with op.batch_alter_table('audit_checkpoint_heads', schema=None) as batch_op:
        batch_op.create_index('ix_audit_checkpoint_heads_subject', ['subject_type', 'subject_id', 'seq'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.create_index('ix_audit_events_chain', ['subject_type', 'subject_id', 'seq'], unique=True)

    # Seal where the global chain ends. Its length comes from the counter it kept, so
    # events removed from its end before this upgrade are still reported, not absorbed.
    bind = op.get_bind()
    events = sa.table('audit_events', sa.column('id', sa.Integer), sa.column('hash', sa.String))
    counters = sa.table('counters', sa.column('name', sa.String), sa.column('value', sa.Integer))
    last = bind.execute(sa.select(events.c.id, events.c.hash).order_by(events.c.id.desc()).limit(1)).first()
    if last is None:
        return
    count = bind.execute(sa.select(counters.c.value).where(counters.c.name == 'audit_chain')).scalar()
    if count is None:
        count = bind.execute(sa.select(sa.func.count()).select_from(events)).scalar()
    fields = dict(id=1, created_at=datetime.now(timezone.utc).replace(tzinfo=None), legacy_last_id=last.id,
                  legacy_count=count, legacy_hash=last.hash, event_count=count, subject_count=0,
                  heads_digest=hashlib.sha256().hexdigest(), keyed=False, prev_hash=GENESIS_HASH)
    bind.execute(checkpoints.insert().values(**fields, hash=checkpoint_hash(fields)))


def downgrade():
    # Events written after the upgrade are on record chains the old verifier does not know.
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_chain')
        batch_op.drop_column('seq')

    with op.batch_alter_table('audit_checkpoint_heads', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_checkpoint_heads_subject')

    op.drop_table('audit_checkpoint_heads')
    op.drop_table('audit_checkpoints')
    op.drop_table('audit_heads')
