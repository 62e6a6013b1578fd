"""the worker's wallet: vouchers and budgets that stay theirs; back-fill claimed vouchers

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import game_server.models.types

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As services/funds/wallet.py writes them (copied: a migration does not import the app).
PURPOSE_NL = "Een beloning van de challenge “{title}”."
PURPOSE_EN = "A reward of the challenge “{title}”."
HOW_NL = "Geef deze code als je je aanmeldt voor een cursus. Bewaar hem goed: hij werkt één keer."
HOW_EN = "Give this code when you sign up for a course. Keep it safe; it works once."


def upgrade() -> None:
    wallet_items = op.create_table(
        "wallet_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("issuer_name", sa.String(length=120), nullable=False),
        sa.Column("issuer_kind", sa.String(length=12), nullable=False),
        sa.Column("given_by", sa.Integer(), nullable=True),
        sa.Column("title_nl", sa.String(length=120), nullable=False),
        sa.Column("title_en", sa.String(length=120), nullable=False),
        sa.Column("purpose_nl", sa.Text(), nullable=False),
        sa.Column("purpose_en", sa.Text(), nullable=False),
        sa.Column("how_nl", sa.Text(), nullable=False),
        sa.Column("how_en", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("amount_cents", sa.Integer(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("used_at", game_server.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", game_server.models.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("source_key", sa.String(length=80), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("used_for", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["given_by"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["offer_id"], ["offers.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "source_key"),
    )
    op.create_index("ix_wallet_items_user_id", "wallet_items", ["user_id"])
    _back_fill_claimed_vouchers(wallet_items)


def _back_fill_claimed_vouchers(wallet_items: sa.Table) -> None:
    """Every voucher already handed out lands in its worker's wallet, received when claimed."""
    db = op.get_bind()
    claimed = db.execute(
        sa.text(
            "SELECT v.reward_id, v.code, v.claimed_by, v.claimed_at, r.title_nl, r.title_en,"
            " c.title_nl AS challenge_nl, c.title_en AS challenge_en, o.name"
            " FROM voucher_codes v"
            " JOIN challenge_rewards r ON r.id = v.reward_id"
            " JOIN challenges c ON c.id = r.challenge_id"
            " JOIN organisations o ON o.id = c.organisation_id"
            " WHERE v.claimed_by IS NOT NULL"
        ).columns(claimed_at=game_server.models.types.UTCDateTime(timezone=True))
    ).mappings()
    rows = [
        {
            "user_id": row["claimed_by"],
            "kind": "voucher",
            "issuer_name": row["name"][:120],
            "issuer_kind": "challenge",
            "title_nl": row["title_nl"],
            "title_en": row["title_en"],
            "purpose_nl": PURPOSE_NL.format(title=row["challenge_nl"]),
            "purpose_en": PURPOSE_EN.format(title=row["challenge_en"]),
            "how_nl": HOW_NL,
            "how_en": HOW_EN,
            "code": row["code"],
            "created_at": row["claimed_at"],
            "source_key": f"reward:{row['reward_id']}",
        }
        for row in claimed
    ]
    if rows:
        op.bulk_insert(wallet_items, rows)


def downgrade() -> None:
    op.drop_index("ix_wallet_items_user_id", table_name="wallet_items")
    op.drop_table("wallet_items")
