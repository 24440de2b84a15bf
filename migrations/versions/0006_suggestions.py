"""suggestions: coders' decisions on proposed codings, and the suggestion model's training records

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 07:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('suggestion_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('coding_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['codes.id'], name=op.f('fk_suggestion_decisions_code_id_codes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coder_id'], ['users.id'], name=op.f('fk_suggestion_decisions_coder_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coding_id'], ['codings.id'], name=op.f('fk_suggestion_decisions_coding_id_codings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revision_id'], ['story_revisions.id'], name=op.f('fk_suggestion_decisions_revision_id_story_revisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_suggestion_decisions_story_id_stories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_decisions')),
    sa.UniqueConstraint('revision_id', 'code_id', 'coder_id', 'start', 'end', name=op.f('uq_suggestion_decisions_revision_id'))
    )
    with op.batch_alter_table('suggestion_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_decisions_story_id'), ['story_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestion_decisions_coder_id'), ['coder_id'], unique=False)

    op.create_table('suggestion_trainings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trained_at', sa.DateTime(), nullable=False),
    sa.Column('trained_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('examples', sa.Integer(), nullable=False),
    sa.Column('story_count', sa.Integer(), nullable=False),
    sa.Column('epochs', sa.Integer(), nullable=False),
    sa.Column('features', sa.String(length=16), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('story_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['trained_by_id'], ['users.id'], name=op.f('fk_suggestion_trainings_trained_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_trainings'))
    )

    # ### end Alembic commands ###


def downgrade():

    op.drop_table('suggestion_trainings')
    with op.batch_alter_table('suggestion_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_decisions_coder_id'))
        batch_op.drop_index(batch_op.f('ix_suggestion_decisions_story_id'))

    op.drop_table('suggestion_decisions')
    # ### end Alembic commands ###
