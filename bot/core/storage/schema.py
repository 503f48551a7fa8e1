"""The one schema, as SQLAlchemy tables: SQLite and PostgreSQL both get exactly this.

Times are ISO 8601 UTC text (``2026-11-25T09:00:00Z``) so they sort and compare the same way on
both databases and read plainly in an export; ``conversations.updated_at`` is epoch seconds.
Change it only together with a new migration in ``migrations/versions``.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, MetaData, Table, Text, false

metadata = MetaData()

conversations = Table(
    "conversations",
    metadata,
    Column("key", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("conversations_by_updated_at", "updated_at"),
)

records = Table(
    "records",
    metadata,
    Column("id", Text, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("content_version", Text, nullable=False),
    Column("data", Text, nullable=False),
    # The comment lives only here, never in ``data``, and only when the officer attached it.
    Column("comment", Text, nullable=True),
    Column("comment_attached", Boolean, nullable=False, server_default=false()),
    # The desk (migration 0005): where the record stands, for queues, reminders and exports.
    Column("urgency", Text, nullable=False, server_default=""),
    Column("state", Text, nullable=False, server_default="new"),
    Column("acknowledged_by", Text),
    Column("acknowledged_by_name", Text),
    Column("acknowledged_at", Text),
    Column("closed_by", Text),
    Column("closed_by_name", Text),
    Column("closed_at", Text),
    Column("resolution", Text),
    Column("note", Text),
    # Reminders are due while this is set: for URGENT records sent since the desk existed
    # (older ones were never posted with buttons, so nobody could acknowledge them), until
    # someone takes or closes the record. Indexed, so the check every server makes each
    # minute reads only the few records it is set on.
    Column("remind", Boolean, nullable=False, server_default=false()),
    Column("reminded_at", Text),
    Index("records_by_user", "user", "created_at"),
    Index("records_by_created_at", "created_at"),
    Index("records_by_state", "state", "created_at", "id"),
    Index("records_by_remind", "remind"),
)

# Every action on a record (sent, posted, acknowledged, closed, reminded): who, what, when.
# Purged with its record.
record_events = Table(
    "record_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", Text, nullable=False),
    Column("actor_id", Text, nullable=False),
    Column("actor_name", Text),
    Column("action", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("detail", Text),
    Index("record_events_by_record", "record_id", "id"),
)

# Where each record was posted (a Slack channel and ts, a Teams conversation and activity id),
# so the post can be updated for everyone; and, for Teams, how to reach the officer privately.
record_posts = Table(
    "record_posts",
    metadata,
    Column("record_id", Text, primary_key=True),
    Column("channel", Text, primary_key=True),
    Column("target", Text, primary_key=True),
    Column("conversation", Text, nullable=False),
    Column("message_id", Text),
    Column("service_url", Text),
)

# Before migration 0004: one row per officer, which a retake overwrote. Copied into
# ``induction_attempts`` by that migration, kept (and purged) for servers still on the previous
# release during a rolling deploy; nothing else reads it.
inductions = Table(
    "inductions",
    metadata,
    Column("channel", Text, primary_key=True),
    Column("user", Text, primary_key=True),
    Column("user_name", Text),
    Column("started_at", Text, nullable=False),
    Column("finished_at", Text),
    Column("score", Integer),
    Column("out_of", Integer, nullable=False),
    Column("acknowledged", Integer, nullable=False),
    Column("content_version", Text, nullable=False),
)

# Every attempt at the induction, one row per channel, user and start time: taking it again
# starts a new row, so a completion is never lost.
induction_attempts = Table(
    "induction_attempts",
    metadata,
    Column("channel", Text, primary_key=True),
    Column("user", Text, primary_key=True),
    Column("started_at", Text, primary_key=True),
    Column("user_name", Text),
    Column("finished_at", Text),
    Column("score", Integer),
    Column("out_of", Integer, nullable=False),
    Column("acknowledged", Integer, nullable=False),
    Column("content_version", Text, nullable=False),
    Index("induction_attempts_by_started_at", "started_at"),
)

kept = Table(
    "kept",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

unanswered = Table(
    "unanswered",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("asked_at", Text, nullable=False),
    Column("text", Text, nullable=False),
    Index("unanswered_by_asked_at", "asked_at"),
)

# Which FAQ entry each answer gave, and when (migration 0006): counted per week on the dashboard.
# Never the question's words, never who asked. Purged like the unanswered log.
answered = Table(
    "answered",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry", Text, nullable=False),
    Column("answered_at", Text, nullable=False),
    Index("answered_by_answered_at", "answered_at"),
)

# Deliveries already taken by a server (a Slack event id, a Teams activity id, a signed request),
# so that a platform's retry or a replay is answered once, across every server.
deliveries = Table(
    "deliveries",
    metadata,
    Column("key", Text, primary_key=True),
    Column("seen_at", Float, nullable=False),
    Index("deliveries_by_seen_at", "seen_at"),
)
