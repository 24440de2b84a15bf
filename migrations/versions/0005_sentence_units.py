"""sentence units

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 03:17:00.425307

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():

    with op.batch_alter_table('codings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_first', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unit_last', sa.Integer(), nullable=True))

    with op.batch_alter_table('story_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sentence_spans', sa.JSON(), nullable=True))

    # ### end Alembic commands ###


def downgrade():

    with op.batch_alter_table('story_revisions', schema=None) as batch_op:
        batch_op.drop_column('sentence_spans')

    with op.batch_alter_table('codings', schema=None) as batch_op:
        batch_op.drop_column('unit_last')
        batch_op.drop_column('unit_first')

    # ### end Alembic commands ###
