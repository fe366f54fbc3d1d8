"""file_chunks: attachment bytes in the database (ATTACHMENT_STORAGE=database)

Revision ID: 5e1f0c2a9b7d
Revises: 5e7a0c2d9b14
Create Date: 2026-11-29 19:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b7d'
down_revision = '5e7a0c2d9b14'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('file_chunks',
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('storage_key', 'seq', name=op.f('pk_file_chunks'))
    )
    if op.get_bind().dialect.name == "postgresql":
        # Images and PDFs are compressed already: store chunks out of line without trying again.
        op.execute("ALTER TABLE file_chunks ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade():
    op.drop_table('file_chunks')
