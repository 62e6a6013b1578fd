"""demo accounts: users.demo marks the accounts `seed-demo` made

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch copy of `users`: on SQLite that drops and recreates
    # the table, and dropping it cascades into every row that points at a user.
    op.add_column(
        "users", sa.Column("demo", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    # Databases seeded before this revision: their README demo accounts are demo accounts.
    # (Production never has them: seed-demo refuses there, and the exemption is off there.)
    op.execute("UPDATE users SET demo = true WHERE email LIKE '%@demo.loopbaanquest.nl'")


def downgrade() -> None:
    op.drop_column("users", "demo")  # SQLite 3.35+ drops a column in place
