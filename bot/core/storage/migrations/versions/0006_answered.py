"""Which FAQ entry each answer gave, and when, so the Communications Team sees the top questions
per week. Only the entry id and the time: never the question's words, never who asked.
Additive: servers on the previous release simply do not write to it."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answered",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entry", sa.Text, nullable=False),
        sa.Column("answered_at", sa.Text, nullable=False),
    )
    op.create_index("answered_by_answered_at", "answered", ["answered_at"])


def downgrade() -> None:
    op.drop_index("answered_by_answered_at", "answered")
    op.drop_table("answered")
