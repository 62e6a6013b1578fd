"""Migrations that move data: what existed before a migration is still there after it."""

import json

import pytest
import sqlalchemy as sa

from game_server.db import upgrade_database

from .conftest import create_postgres_database, drop_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    url = create_postgres_database("lq_data_mig")
    yield url
    drop_postgres_database(url)


def _a_worker_and_the_self_scan(db) -> None:
    """User 1 and version 1 of the self-scan, written as the older schema holds them."""
    db.execute(
        sa.text(
            "INSERT INTO users (id, display_name, is_guest, is_active, locale, session_token,"
            " created_at) VALUES (1, 'Ans', false, true, 'nl', 'x', '2026-01-01 09:00+00')"
        )
    )
    db.execute(
        sa.text(
            "INSERT INTO quest_versions (id, quest_id, digest, definition, created_at)"
            " VALUES (1, 'self-scan', 'd', '{}', '2026-01-01 09:00+00')"
        )
    )


def test_self_scans_done_before_scan_scores_existed_are_scored(empty_url):
    upgrade_database(empty_url, "0015")
    engine = sa.create_engine(empty_url)
    with engine.begin() as db:
        _a_worker_and_the_self_scan(db)
        for run_id, day in ((1, "05"), (2, "20")):
            db.execute(
                sa.text(
                    "INSERT INTO quest_runs (id, user_id, quest_id, quest_version_id, mode, status,"
                    " started_at, updated_at, completed_at) VALUES (:id, 1, 'self-scan', 1, 'solo',"
                    " 'completed', :at, :at, :at)"
                ),
                {"id": run_id, "at": f"2026-01-{day} 09:00:00+00:00"},
            )
            scores = {"reflecting-1": run_id + 1, "reflecting-2": run_id + 2, "steering-1": 3}
            db.execute(
                sa.text(
                    "INSERT INTO answers (run_id, user_id, step_id, step_type, value, private,"
                    " created_at, updated_at) VALUES (:run, 1, 'scan', 'scale', :value, false,"
                    " :at, :at)"
                ),
                {"run": run_id, "value": json.dumps(scores), "at": f"2026-01-{day} 09:00:00+00:00"},
            )
    upgrade_database(empty_url)
    with engine.connect() as db:
        rows = db.execute(
            sa.text("SELECT run_id, competency, score FROM scan_scores ORDER BY run_id, competency")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        (1, "reflecting", 2.5),
        (1, "steering", 3.0),
        (2, "reflecting", 3.5),
        (2, "steering", 3.0),
    ]


def test_growth_per_worker_and_competency_is_made_from_the_scores_so_far(empty_url):
    upgrade_database(empty_url, "0016")
    engine = sa.create_engine(empty_url)
    with engine.begin() as db:
        _a_worker_and_the_self_scan(db)
        # Run 3 was scanned first although its id is the highest; runs 1 and 2 at one moment.
        for run_id, at, score in ((1, "20", 3.0), (2, "20", 4.5), (3, "05", 2.0)):
            stamp = f"2026-01-{at} 09:00:00.000000"  # as SQLAlchemy writes it on SQLite
            db.execute(
                sa.text(
                    "INSERT INTO quest_runs (id, user_id, quest_id, quest_version_id, mode, status,"
                    " started_at, updated_at, completed_at) VALUES (:id, 1, 'self-scan', 1, 'solo',"
                    " 'completed', :at, :at, :at)"
                ),
                {"id": run_id, "at": stamp},
            )
            db.execute(
                sa.text(
                    "INSERT INTO scan_scores (id, user_id, run_id, competency, score, scanned_at)"
                    " VALUES (:id, 1, :id, 'steering', :score, :at)"
                ),
                {"id": run_id, "score": score, "at": stamp},
            )
    upgrade_database(empty_url)
    with engine.connect() as db:
        rows = db.execute(
            sa.text("SELECT user_id, competency, scans, first_score, latest_score FROM scan_growth")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "steering", 3, 2.0, 4.5)]


def test_marking_demo_accounts_keeps_everything_that_points_at_a_user(empty_url):
    """0019 adds users.demo in place: on SQLite a copied-and-dropped users table would take
    every answer, run and score of every user with it (ON DELETE CASCADE)."""
    upgrade_database(empty_url, "0018")
    engine = sa.create_engine(empty_url)
    with engine.begin() as db:
        _a_worker_and_the_self_scan(db)
        db.execute(
            sa.text(
                "INSERT INTO users (id, email, display_name, is_guest, is_active, locale,"
                " session_token, created_at) VALUES (2, 'coach@demo.loopbaanquest.nl', 'Karim',"
                " false, true, 'nl', 'y', '2026-01-01 09:00+00')"
            )
        )
        db.execute(
            sa.text(
                "INSERT INTO quest_runs (id, user_id, quest_id, quest_version_id, mode, status,"
                " started_at, updated_at) VALUES (1, 1, 'self-scan', 1, 'solo', 'active',"
                " '2026-01-05 09:00+00', '2026-01-05 09:00+00')"
            )
        )
        db.execute(
            sa.text(
                "INSERT INTO answers (run_id, user_id, step_id, step_type, value, private,"
                " created_at, updated_at) VALUES (1, 1, 'scan', 'scale', '{}', false,"
                " '2026-01-05 09:00+00', '2026-01-05 09:00+00')"
            )
        )
    upgrade_database(empty_url)
    with engine.connect() as db:
        kept = db.execute(sa.text("SELECT count(*) FROM answers")).scalar()
        runs = db.execute(sa.text("SELECT count(*) FROM quest_runs")).scalar()
        demo = dict(db.execute(sa.text("SELECT id, demo FROM users ORDER BY id")).all())
    engine.dispose()
    assert (kept, runs) == (1, 1)
    assert not demo[1] and demo[2]  # the README's demo accounts are marked, no one else


def test_vouchers_claimed_before_the_wallet_existed_land_in_their_wallets(empty_url):
    upgrade_database(empty_url, "0023")  # the wallet's parent
    engine = sa.create_engine(empty_url)
    with engine.begin() as db:
        _a_worker_and_the_self_scan(db)
        for statement in (
            "INSERT INTO organisations (id, name, kind, created_at)"
            " VALUES (1, 'Fonds Transport', 'fund', '2026-01-01 09:00+00')",
            "INSERT INTO challenges (id, organisation_id, created_by, title_nl, title_en,"
            " description_nl, description_en, sectors, quest_ids, track_ids, starts_at, ends_at,"
            " join_code, goal_kind, goal_target, created_at) VALUES (1, 1, 1, 'Zomer', 'Summer',"
            " 'd', 'd', '[]', '[]', '[]', '2026-01-01 09:00+00', '2026-03-01 09:00+00', 'ABCD1234',"
            " 'participants', 10, '2026-01-01 09:00+00')",
            "INSERT INTO challenge_rewards (id, challenge_id, kind, title_nl, title_en,"
            " quests_needed) VALUES (7, 1, 'voucher', 'Tegoedbon', 'Voucher', 1)",
            "INSERT INTO voucher_codes (id, reward_id, code, claimed_by, claimed_at)"
            " VALUES (1, 7, 'CODE-A', 1, '2026-01-10 09:00:00.000000')",
            "INSERT INTO voucher_codes (id, reward_id, code) VALUES (2, 7, 'CODE-B')",
            # Claimed by someone who has since erased their account: nobody to give it to.
            "INSERT INTO voucher_codes (id, reward_id, code, claimed_at)"
            " VALUES (3, 7, 'CODE-C', '2026-01-11 09:00:00.000000')",
        ):
            db.execute(sa.text(statement))
    upgrade_database(empty_url)
    with engine.connect() as db:
        rows = db.execute(
            sa.text(
                "SELECT user_id, kind, code, issuer_name, issuer_kind, title_nl, purpose_nl,"
                " source_key, created_at, used_at FROM wallet_items"
            )
        ).all()
    engine.dispose()
    assert len(rows) == 1
    user_id, kind, code, issuer, issuer_kind, title, purpose, source, created, used = rows[0]
    assert (user_id, kind, code, source, used) == (1, "voucher", "CODE-A", "reward:7", None)
    assert (issuer, issuer_kind, title) == ("Fonds Transport", "challenge", "Tegoedbon")
    assert "Zomer" in purpose and str(created).startswith("2026-01-10")
