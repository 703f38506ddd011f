"""access settings

One row per learner who uses switch scanning or hears a choice before choosing it.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'access_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('scan_mode', sa.String(length=20), nullable=False),
        sa.Column('scan_seconds', sa.Float(), nullable=False),
        sa.Column('scan_speaks', sa.Boolean(), nullable=False),
        sa.Column('hear_first', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['learner_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('learner_id'),
    )
    op.create_index('ix_access_settings_school_id', 'access_settings', ['school_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_access_settings_school_id', table_name='access_settings')
    op.drop_table('access_settings')
