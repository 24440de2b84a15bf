"""search vectors kept inline: PostgreSQL reads a document's tsvector from its own row, not from TOAST

A story's tsvector (about 2.4 kB for 400 words) was moved out of line, so every search
fetched each candidate's vector from the TOAST table; STORAGE MAIN keeps it in the row
(PostgreSQL only; SQLite keeps no vectors). Existing vectors are rewritten once.

Revision ID: 0013
Revises: 0012
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("ALTER TABLE search_documents ALTER COLUMN tsv SET STORAGE MAIN")
    # An unchanged value keeps its TOAST pointer: concatenating nothing makes each a new value.
    op.execute("UPDATE search_documents SET tsv = tsv || ''::tsvector WHERE tsv IS NOT NULL")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("ALTER TABLE search_documents ALTER COLUMN tsv SET STORAGE EXTENDED")
