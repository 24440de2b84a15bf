"""interoperability (placeholder: the REFI-QDA work replaces this file with its tables, if it needs any)

Revision ID: 0009
Revises: 0008
"""

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
