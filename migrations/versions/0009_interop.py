"""interoperability: REFI-QDA GUIDs on codes, exchange settings, imported project spaces

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guid', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_codes_guid'), ['guid'])
    op.create_table(
        'exchange_settings',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_exchange_settings')),
    )
    op.create_table(
        'import_projects',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('origin', sa.String(length=200), nullable=False),
        sa.Column('convention', sa.String(length=20), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_import_projects_imported_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_projects')),
    )
    op.create_table(
        'imported_sources',
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('guid', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['import_projects.id'], ondelete='CASCADE',
                                name=op.f('fk_imported_sources_project_id_import_projects')),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='CASCADE',
                                name=op.f('fk_imported_sources_story_id_stories')),
        sa.PrimaryKeyConstraint('story_id', name=op.f('pk_imported_sources')),
        sa.UniqueConstraint('guid', name=op.f('uq_imported_sources_guid')),
    )
    with op.batch_alter_table('imported_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imported_sources_project_id'), ['project_id'], unique=False)
    op.create_table(
        'imported_users',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('guid', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['import_projects.id'], ondelete='SET NULL',
                                name=op.f('fk_imported_users_project_id_import_projects')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_imported_users_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_imported_users')),
        sa.UniqueConstraint('guid', name=op.f('uq_imported_users_guid')),
    )
    with op.batch_alter_table('imported_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imported_users_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('imported_users')
    op.drop_table('imported_sources')
    op.drop_table('import_projects')
    op.drop_table('exchange_settings')
    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_codes_guid'), type_='unique')
        batch_op.drop_column('guid')
