"""story sets, sense-making sessions and insights

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 05:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'story_sets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('host_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('query', sa.Text(), nullable=False),
        sa.Column('next_number', sa.Integer(), nullable=False),
        sa.Column('excerpts_dropped', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['host_id'], ['users.id'], name=op.f('fk_story_sets_host_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_story_sets')),
    )
    with op.batch_alter_table('story_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_sets_host_id'), ['host_id'], unique=False)

    op.create_table(
        'story_set_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('set_id', sa.Integer(), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=True),
        sa.Column('start', sa.Integer(), nullable=True),
        sa.Column('end', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('prompt', sa.Text(), nullable=False),
        sa.Column('from_query', sa.Boolean(), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['revision_id'], ['story_revisions.id'],
                                name=op.f('fk_story_set_items_revision_id_story_revisions'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['set_id'], ['story_sets.id'], name=op.f('fk_story_set_items_set_id_story_sets'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_story_set_items_story_id_stories'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_story_set_items')),
        sa.UniqueConstraint('set_id', 'number', name=op.f('uq_story_set_items_set_id')),
    )
    with op.batch_alter_table('story_set_items', schema=None) as batch_op:
        batch_op.create_index('ix_story_set_items_set_position', ['set_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_set_items_revision_id'), ['revision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_set_items_story_id'), ['story_id'], unique=False)

    op.create_table(
        'workshop_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('host_id', sa.Integer(), nullable=False),
        sa.Column('set_id', sa.Integer(), nullable=True),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('participants', sa.Integer(), nullable=False),
        sa.Column('set_title', sa.String(length=200), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('stories_withdrawn', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['host_id'], ['users.id'], name=op.f('fk_workshop_sessions_host_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['set_id'], ['story_sets.id'], name=op.f('fk_workshop_sessions_set_id_story_sets'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_sessions')),
    )
    with op.batch_alter_table('workshop_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_sessions_host_id'), ['host_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_sessions_set_id'), ['set_id'], unique=False)

    op.create_table(
        'session_stories',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['workshop_sessions.id'],
                                name=op.f('fk_session_stories_session_id_workshop_sessions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_session_stories_story_id_stories'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('session_id', 'story_id', name=op.f('pk_session_stories')),
    )
    with op.batch_alter_table('session_stories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_stories_story_id'), ['story_id'], unique=False)

    op.create_table(
        'insights',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('stories_withdrawn', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_insights_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['session_id'], ['workshop_sessions.id'],
                                name=op.f('fk_insights_session_id_workshop_sessions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_insights')),
    )
    with op.batch_alter_table('insights', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insights_session_id'), ['session_id'], unique=False)

    op.create_table(
        'insight_stories',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('insight_id', sa.Integer(), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['insight_id'], ['insights.id'], name=op.f('fk_insight_stories_insight_id_insights'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['item_id'], ['story_set_items.id'],
                                name=op.f('fk_insight_stories_item_id_story_set_items'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_insight_stories_story_id_stories'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_stories')),
    )
    with op.batch_alter_table('insight_stories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_stories_insight_id'), ['insight_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_insight_stories_story_id'), ['story_id'], unique=False)

    op.create_table(
        'insight_codes',
        sa.Column('insight_id', sa.Integer(), nullable=False),
        sa.Column('code_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['code_id'], ['codes.id'], name=op.f('fk_insight_codes_code_id_codes'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['insight_id'], ['insights.id'], name=op.f('fk_insight_codes_insight_id_insights'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('insight_id', 'code_id', name=op.f('pk_insight_codes')),
    )
    with op.batch_alter_table('insight_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_codes_code_id'), ['code_id'], unique=False)


def downgrade():
    for table in ('insight_codes', 'insight_stories', 'insights', 'session_stories', 'workshop_sessions',
                  'story_set_items', 'story_sets'):
        op.drop_table(table)
