"""Every attempt at the induction is kept: taking it again adds an attempt beside the completed
one instead of overwriting it. Additive: the old one-row-per-officer table is copied, not
dropped, so servers still on the previous release keep working during a rolling deploy."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = [
    "channel",
    "user",
    "started_at",
    "user_name",
    "finished_at",
    "score",
    "out_of",
    "acknowledged",
    "content_version",
]


def upgrade() -> None:
    attempts = op.create_table(
        "induction_attempts",
        sa.Column("channel", sa.Text, primary_key=True),
        sa.Column("user", sa.Text, primary_key=True),
        sa.Column("started_at", sa.Text, primary_key=True),
        sa.Column("user_name", sa.Text),
        sa.Column("finished_at", sa.Text),
        sa.Column("score", sa.Integer),
        sa.Column("out_of", sa.Integer, nullable=False),
        sa.Column("acknowledged", sa.Integer, nullable=False),
        sa.Column("content_version", sa.Text, nullable=False),
    )
    op.create_index("induction_attempts_by_started_at", "induction_attempts", ["started_at"])
    old = sa.table("inductions", *(sa.column(name) for name in COLUMNS))
    op.execute(attempts.insert().from_select(COLUMNS, sa.select(*(old.c[name] for name in COLUMNS))))


def downgrade() -> None:
    op.drop_index("induction_attempts_by_started_at", "induction_attempts")
    op.drop_table("induction_attempts")
