"""Deliveries already taken, so a Slack retry, a Teams redelivery or a replayed request is
answered once across every server. Additive: servers on the previous release ignore it."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("seen_at", sa.Float, nullable=False),
    )
    op.create_index("deliveries_by_seen_at", "deliveries", ["seen_at"])


def downgrade() -> None:
    op.drop_index("deliveries_by_seen_at", "deliveries")
    op.drop_table("deliveries")
