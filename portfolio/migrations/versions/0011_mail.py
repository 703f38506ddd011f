"""mail: invitations, password resets, sent messages

``mail_messages`` is the outbox: every email is a row first, sent after the commit by a background
sender. ``password_tokens`` holds the hashes of one-time links that set a password.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'mail_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('failed_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=200), nullable=False),
        sa.Column('unsubscribe_url', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_mail_messages_school_id', 'mail_messages', ['school_id'], unique=False)
    op.create_index('ix_mail_messages_user_id', 'mail_messages', ['user_id'], unique=False)
    op.create_index('ix_mail_messages_waiting', 'mail_messages', ['sent_at', 'next_attempt_at', 'id'], unique=False)
    op.create_table(
        'password_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_password_tokens_school_id', 'password_tokens', ['school_id'], unique=False)
    op.create_index('ix_password_tokens_user_id', 'password_tokens', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_password_tokens_user_id', table_name='password_tokens')
    op.drop_index('ix_password_tokens_school_id', table_name='password_tokens')
    op.drop_table('password_tokens')
    op.drop_index('ix_mail_messages_waiting', table_name='mail_messages')
    op.drop_index('ix_mail_messages_user_id', table_name='mail_messages')
    op.drop_index('ix_mail_messages_school_id', table_name='mail_messages')
    op.drop_table('mail_messages')
