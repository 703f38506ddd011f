"""offline sync

The keys a tablet gives each step of an entry made with no Wi-Fi, so a step sent twice (a retry,
a double tap, two tabs) is made once.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sync_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('key', sa.String(length=36), nullable=False),
        sa.Column('step', sa.String(length=10), nullable=False),
        sa.Column('experience_id', sa.Integer(), nullable=True),
        sa.Column('photo_id', sa.Integer(), nullable=True),
        sa.Column('refused', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['learner_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['experience_id'], ['experiences.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['photo_id'], ['experience_photos.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('learner_id', 'key'),
    )
    op.create_index('ix_sync_keys_school_id', 'sync_keys', ['school_id'], unique=False)
    op.create_index('ix_sync_keys_learner_id', 'sync_keys', ['learner_id'], unique=False)
    op.create_index('ix_sync_keys_experience_id', 'sync_keys', ['experience_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_sync_keys_experience_id', table_name='sync_keys')
    op.drop_index('ix_sync_keys_learner_id', table_name='sync_keys')
    op.drop_index('ix_sync_keys_school_id', table_name='sync_keys')
    op.drop_table('sync_keys')
