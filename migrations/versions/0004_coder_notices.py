"""coder notices

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 03:06:10.358272

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('coder_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_coder_notices_story_id_stories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_coder_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coder_notices'))
    )
    with op.batch_alter_table('coder_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coder_notices_user_id'), ['user_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():

    with op.batch_alter_table('coder_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coder_notices_user_id'))

    op.drop_table('coder_notices')
    # ### end Alembic commands ###
