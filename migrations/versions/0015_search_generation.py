"""search generation: a counter bumped by every transaction that writes search records, stamped on the rows it writes

PostgreSQL's facet counts are made from each process's copy of the documents' site, kind
and theme ids; the search statement reads the counter and the rows stamped after the copy's
generation in its own snapshot, so the copy is brought up to date exactly, without reloading
every row after a change.

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('n', sa.BigInteger(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_generation')),
    )
    op.execute("INSERT INTO search_generation (id, n) VALUES (1, 0)")
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('generation', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_index('ix_search_documents_generation', ['purpose', 'generation'], unique=False)


def downgrade():
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_generation')
        batch_op.drop_column('generation')
    op.drop_table('search_generation')
