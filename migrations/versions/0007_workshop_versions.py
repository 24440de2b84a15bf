"""workshop versions, identifiers, pseudonym registry, anonymisation log

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 06:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pseudonyms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('type', sa.String(length=12), nullable=False),
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('original', sa.Text(), nullable=False),
        sa.Column('label', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('type', 'scope', 'key'),
    )
    op.create_table(
        'workshop_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('title', sa.Text(), nullable=True),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('teller_message', sa.Text(), nullable=False),
        sa.Column('detected_at', sa.DateTime(), nullable=True),
        sa.Column('detected_with', sa.String(length=60), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_on_behalf', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['revision_id'], ['story_revisions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('story_id'),
    )
    with op.batch_alter_table('workshop_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_versions_revision_id'), ['revision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_versions_status'), ['status'], unique=False)
    op.create_table(
        'identifier_spans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('part', sa.String(length=5), nullable=False),
        sa.Column('start', sa.Integer(), nullable=False),
        sa.Column('end', sa.Integer(), nullable=False),
        sa.Column('original', sa.Text(), nullable=False),
        sa.Column('type', sa.String(length=12), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('decision', sa.String(length=10), nullable=False),
        sa.Column('pseudonym_id', sa.Integer(), nullable=True),
        sa.Column('descriptor', sa.String(length=120), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['pseudonym_id'], ['pseudonyms.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['revision_id'], ['story_revisions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('identifier_spans', schema=None) as batch_op:
        batch_op.create_index('ix_identifier_spans_story', ['story_id', 'revision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identifier_spans_pseudonym_id'), ['pseudonym_id'], unique=False)
    op.create_table(
        'anonymisation_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('action', sa.String(length=60), nullable=False),
        sa.Column('type', sa.String(length=12), nullable=False),
        sa.Column('original', sa.Text(), nullable=False),
        sa.Column('replacement', sa.String(length=200), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('anonymisation_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_anonymisation_log_story_id'), ['story_id'], unique=False)


def downgrade():
    op.drop_table('anonymisation_log')
    op.drop_table('identifier_spans')
    op.drop_table('workshop_versions')
    op.drop_table('pseudonyms')
