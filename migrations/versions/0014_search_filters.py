"""search filters and facets read from the row: a lower-case site column, site and kind indexes, short columns inline

`site:` compared lower(site), which the planner could not estimate (it scanned the
whole table); `site_key` holds the lower-cased site (as Whoosh does), and btree indexes
on (purpose, site_key) and (purpose, kind) combine with the GIN index. On PostgreSQL
the theme ids and the short filter columns are kept in the row (`STORAGE PLAIN`): with
the vector inline, a row is over TOAST's threshold, so every theme array (about 35 bytes)
had been moved to the TOAST table, and facet counting fetched it once per match.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

INLINE = ('themes', 'site', 'kind', 'role', 'method')


def upgrade():
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_key', sa.String(length=80), server_default='', nullable=False))
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        for column in (*INLINE, 'site_key'):
            op.execute(f"ALTER TABLE search_documents ALTER COLUMN {column} SET STORAGE PLAIN")
        # An unchanged value keeps its TOAST pointer: building each value afresh stores it in the row.
        op.execute("UPDATE search_documents SET site_key = lower(site), site = site || '', kind = kind || '', "
                   "role = role || '', method = method || '', themes = array_cat(themes, '{}'::integer[])")
    else:
        op.execute("UPDATE search_documents SET site_key = lower(site)")
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_site_key', ['purpose', 'site_key'], unique=False)
        batch_op.create_index('ix_search_documents_kind', ['purpose', 'kind'], unique=False)


def downgrade():
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_kind')
        batch_op.drop_index('ix_search_documents_site_key')
        batch_op.drop_column('site_key')
    if op.get_bind().dialect.name == 'postgresql':
        for column in INLINE:
            op.execute(f"ALTER TABLE search_documents ALTER COLUMN {column} SET STORAGE EXTENDED")
