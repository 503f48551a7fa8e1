"""Records keep an attached comment in a column of its own, marked as attached by the officer,
so exports can show it as such and it never hides inside the record's data; indexes on the
times that retention purges and exports select by."""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

records = sa.table(
    "records",
    sa.column("id", sa.Text),
    sa.column("data", sa.Text),
    sa.column("comment", sa.Text),
    sa.column("comment_attached", sa.Boolean),
)


def upgrade() -> None:
    op.add_column("records", sa.Column("comment", sa.Text, nullable=True))
    op.add_column(
        "records", sa.Column("comment_attached", sa.Boolean, nullable=False, server_default=sa.false())
    )
    _move_comments_out_of_data()
    op.create_index("records_by_created_at", "records", ["created_at"])
    op.create_index("unanswered_by_asked_at", "unanswered", ["asked_at"])
    op.create_index("conversations_by_updated_at", "conversations", ["updated_at"])


def _move_comments_out_of_data() -> None:
    bind = op.get_bind()
    for record_id, data in bind.execute(sa.select(records.c.id, records.c.data)).all():
        fields = json.loads(data)
        comment = fields.pop("comment", None)
        update = records.update().where(records.c.id == record_id)
        bind.execute(
            update.values(data=json.dumps(fields), comment=comment, comment_attached=comment is not None)
        )


def downgrade() -> None:
    op.drop_index("conversations_by_updated_at", "conversations")
    op.drop_index("unanswered_by_asked_at", "unanswered")
    op.drop_index("records_by_created_at", "records")
    bind = op.get_bind()
    for record_id, data, comment in bind.execute(
        sa.select(records.c.id, records.c.data, records.c.comment)
    ).all():
        fields = {**json.loads(data), "comment": comment}
        bind.execute(records.update().where(records.c.id == record_id).values(data=json.dumps(fields)))
    with op.batch_alter_table("records") as batch:
        batch.drop_column("comment_attached")
        batch.drop_column("comment")
