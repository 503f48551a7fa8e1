"""The Communications Team's desk: each record's state (new, acknowledged, closed: who, when, a
resolution and a note), its urgency in a column of its own for queues and reminders, an audit
trail of every action on it, and where it was posted so the post can be updated. Additive:
servers on the previous release keep writing records, which start as new.

Records kept from before have their urgency copied out of their data, and are never reminded
about: their posts carry no buttons, so nobody could acknowledge them."""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LIFECYCLE = (
    "acknowledged_by",
    "acknowledged_by_name",
    "acknowledged_at",
    "closed_by",
    "closed_by_name",
    "closed_at",
    "resolution",
    "note",
    "reminded_at",
)

records = sa.table(
    "records", sa.column("id", sa.Text), sa.column("data", sa.Text), sa.column("urgency", sa.Text)
)


def upgrade() -> None:
    op.add_column("records", sa.Column("urgency", sa.Text, nullable=False, server_default=""))
    op.add_column("records", sa.Column("state", sa.Text, nullable=False, server_default="new"))
    for name in LIFECYCLE[:-1]:
        op.add_column("records", sa.Column(name, sa.Text))
    op.add_column("records", sa.Column("remind", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("records", sa.Column("reminded_at", sa.Text))
    op.create_index("records_by_state", "records", ["state", "created_at", "id"])
    op.create_index("records_by_remind", "records", ["remind"])
    _copy_urgency()
    op.create_table(
        "record_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.Text, nullable=False),
        sa.Column("actor_id", sa.Text, nullable=False),
        sa.Column("actor_name", sa.Text),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("detail", sa.Text),
    )
    op.create_index("record_events_by_record", "record_events", ["record_id", "id"])
    op.create_table(
        "record_posts",
        sa.Column("record_id", sa.Text, primary_key=True),
        sa.Column("channel", sa.Text, primary_key=True),
        sa.Column("target", sa.Text, primary_key=True),
        sa.Column("conversation", sa.Text, nullable=False),
        sa.Column("message_id", sa.Text),
        sa.Column("service_url", sa.Text),
    )


def _copy_urgency() -> None:
    bind = op.get_bind()
    for record_id, data in bind.execute(sa.select(records.c.id, records.c.data)).all():
        urgency = str(json.loads(data).get("urgency") or "")
        bind.execute(records.update().where(records.c.id == record_id).values(urgency=urgency))


def downgrade() -> None:
    op.drop_table("record_posts")
    op.drop_index("record_events_by_record", "record_events")
    op.drop_table("record_events")
    op.drop_index("records_by_remind", "records")
    op.drop_index("records_by_state", "records")
    with op.batch_alter_table("records") as batch:
        for name in ("urgency", "state", *LIFECYCLE, "remind"):
            batch.drop_column(name)
