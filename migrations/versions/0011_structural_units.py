"""sentence units follow the text's structure (headings and list items are units of their own)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 06:55:00

No schema change: the units kept for each revision and each coding were worked out the old way, so they are
forgotten here and worked out again (storybank/coding/units.py) the next time agreement or analysis needs them.
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE story_revisions SET sentence_spans = NULL")
    op.execute("UPDATE codings SET unit_first = NULL, unit_last = NULL")


def downgrade():
    op.execute("UPDATE story_revisions SET sentence_spans = NULL")
    op.execute("UPDATE codings SET unit_first = NULL, unit_last = NULL")
