"""join heads: search text and packed analytics histograms landed beside each other

Revision ID: 7b3e5a9c1d42
Revises: 3f9c2d7a5e18, a41c7d2e9f06
Create Date: 2026-11-30 05:16:00

No schema change: one head again.
"""

# revision identifiers, used by Alembic.
revision = '7b3e5a9c1d42'
down_revision = ('3f9c2d7a5e18', 'a41c7d2e9f06')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
