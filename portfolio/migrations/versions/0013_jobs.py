"""background jobs

One row per piece of slow work (a review pack's PDF, a portfolio import): the queue carries only
its id, and pages read its progress here.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('arguments', sa.JSON(), nullable=False),
        sa.Column('message', sa.String(length=300), nullable=False),
        sa.Column('result_media_id', sa.Integer(), nullable=True),
        sa.Column('result_name', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['learner_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['result_media_id'], ['media_files.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_jobs_school_id', 'jobs', ['school_id'], unique=False)
    op.create_index('ix_jobs_owner_id', 'jobs', ['owner_id'], unique=False)
    op.create_index('ix_jobs_learner_id', 'jobs', ['learner_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_jobs_learner_id', table_name='jobs')
    op.drop_index('ix_jobs_owner_id', table_name='jobs')
    op.drop_index('ix_jobs_school_id', table_name='jobs')
    op.drop_table('jobs')
