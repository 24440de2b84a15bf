"""memos

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 02:55:43.003905

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('memos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.Column('coding_id', sa.Integer(), nullable=True),
    sa.Column('code_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_memos_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['code_id'], ['codes.id'], name=op.f('fk_memos_code_id_codes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coding_id'], ['codings.id'], name=op.f('fk_memos_coding_id_codings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_memos_story_id_stories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memos'))
    )
    with op.batch_alter_table('memos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memos_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memos_code_id'), ['code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memos_coding_id'), ['coding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memos_story_id'), ['story_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():

    with op.batch_alter_table('memos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memos_story_id'))
        batch_op.drop_index(batch_op.f('ix_memos_coding_id'))
        batch_op.drop_index(batch_op.f('ix_memos_code_id'))
        batch_op.drop_index(batch_op.f('ix_memos_author_id'))

    op.drop_table('memos')
    # ### end Alembic commands ###
