"""indexes for the paged lists

Every list that grows without limit is read a page at a time in a fixed order; each index here
matches one of those orders, so a page costs the same however long the list is.

``experiences.sort_on`` is the day an entry sorts by: its start date, or the day it was made when
no date was given. It is filled here for existing rows in Python (no SQL date functions, so the
same migration runs on SQLite and PostgreSQL) and kept filled by the model afterwards.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# (table, index name, columns), in the order they are made.
INDEXES = (
    ('experiences', 'ix_experiences_portfolio_order', ['learner_id', 'sort_on', 'created_at', 'id']),
    ('experiences', 'ix_experiences_status_order', ['learner_id', 'status', 'sort_on', 'created_at']),
    ('experiences', 'ix_experiences_queue_order', ['status', 'submitted_at', 'id']),
    ('experiences', 'ix_experiences_draft_order', ['learner_id', 'status', 'updated_at']),
    ('family_comments', 'ix_family_comments_order', ['experience_id', 'created_at', 'id']),
    ('share_links', 'ix_share_links_order', ['learner_id', 'created_at', 'id']),
    ('share_accesses', 'ix_share_accesses_order', ['link_id', 'at', 'id']),
    ('users', 'ix_users_people_order', ['school_id', 'role', 'display_name', 'id']),
    ('employers', 'ix_employers_directory_order', ['school_id', 'name', 'id']),
)


def _fill_sort_on() -> None:
    """Give every existing entry its sort day, a batch of rows at a time."""
    connection = op.get_bind()
    experiences = sa.table(
        'experiences', sa.column('id', sa.Integer), sa.column('start_date', sa.Date),
        sa.column('created_at', sa.DateTime), sa.column('sort_on', sa.Date),
    )
    rows = connection.execute(sa.select(experiences.c.id, experiences.c.start_date, experiences.c.created_at)).all()
    for row_id, start_date, created_at in rows:
        day = start_date or (created_at.date() if created_at is not None else None)
        if day is not None:
            connection.execute(experiences.update().where(experiences.c.id == row_id).values(sort_on=day))


def upgrade() -> None:
    with op.batch_alter_table('experiences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_on', sa.Date(), nullable=True))
    _fill_sort_on()
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table('experiences', schema=None) as batch_op:
        batch_op.drop_column('sort_on')
