"""storytellers: drafts saved as they type, and notices to those who took copies of a withdrawn story

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 06:33:42.395453

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('story_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=40), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_story_drafts_story_id_stories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_story_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_drafts')),
    sa.UniqueConstraint('user_id', 'slot', name=op.f('uq_story_drafts_user_id'))
    )
    with op.batch_alter_table('story_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_drafts_story_id'), ['story_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_drafts_user_id'), ['user_id'], unique=False)

    op.create_table('withdrawal_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('copies', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('emailed_at', sa.DateTime(), nullable=True),
    sa.Column('seen_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_withdrawal_notices_story_id_stories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_withdrawal_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_withdrawal_notices')),
    sa.UniqueConstraint('user_id', 'story_id', name=op.f('uq_withdrawal_notices_user_id'))
    )
    with op.batch_alter_table('withdrawal_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_withdrawal_notices_story_id'), ['story_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_withdrawal_notices_user_id'), ['user_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('withdrawal_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_withdrawal_notices_user_id'))
        batch_op.drop_index(batch_op.f('ix_withdrawal_notices_story_id'))

    op.drop_table('withdrawal_notices')
    with op.batch_alter_table('story_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_drafts_user_id'))
        batch_op.drop_index(batch_op.f('ix_story_drafts_story_id'))

    op.drop_table('story_drafts')
    # ### end Alembic commands ###
