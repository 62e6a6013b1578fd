"""The fund's dashboard over JSON and CSV, on real data in SQLite and PostgreSQL: the figures
are counted right, hidden below ten, and only for the fund's own challenges."""

import csv
import io
from datetime import datetime, timedelta

from sqlmodel import select

from game_server.db import session_scope
from game_server.models import QuestRun, ScanScore, User, utcnow
from game_server.services.progress import progression

from ..challenge_fixtures import complete, join, make_challenge, make_fund_member
from ..factories import bearer_for, make_user


def _scan(app, user, when, score):
    """A completed self-scan with this steering score (as progression.record_scan writes)."""
    complete(app, user, "self-scan", when=when)
    with session_scope(app) as session:
        run = session.exec(
            select(QuestRun)
            .where(QuestRun.user_id == user.id, QuestRun.quest_id == "self-scan")
            .order_by(QuestRun.id.desc())
        ).first()
        session.add(
            ScanScore(
                user_id=user.id, run_id=run.id, competency="steering", score=score, scanned_at=when
            )
        )
        progression.record_growth(session, user.id, "steering", score, when)


def _populate(app, code):
    """30 in transport (20 active, 2 quests each), 25 in cleaning (12 active, 1 quest each),
    4 who gave no sector."""
    people = []
    for n in range(30):
        person = make_user(app, guest=True)
        join(app, code, person, sector="transport", age_band="45-54")
        if n < 20:
            complete(app, person)
            complete(app, person, "every-step")
        people.append(person)
    for n in range(25):
        person = make_user(app, guest=True)
        join(app, code, person, sector="cleaning")
        if n < 12:
            complete(app, person)
    for _ in range(4):
        join(app, code, make_user(app, guest=True))
    return people


def test_the_dashboard_counts_and_hides_as_the_rules_say(app, client):
    member = make_fund_member(app)
    fund = bearer_for(app, member)
    challenge_id, code = make_challenge(app, member)
    transport = _populate(app, code)
    complete(app, make_user(app), "open-to-all")  # not a participant: never counted
    for person in transport[:12]:  # growth: two scans each, +1.5 on steering
        _scan(app, person, utcnow() - timedelta(days=20), 2.0)
        _scan(app, person, utcnow(), 3.5)

    board = client.get(f"/api/v1/challenges/{challenge_id}/dashboard", headers=fund).get_json()
    total = board["total"]
    assert (total["participants"], total["active"], total["quests_completed"]) == (59, 32, 52)
    assert total["offers_taken"] is None  # nobody: zero is hidden too
    assert total["growth"]["steering"] == 1.5 and total["growth"]["networking"] is None
    assert board["rows"] == []
    quests = {q["quest_id"]: q for q in board["quests"]}
    # Everyone active completed open-to-all: "completed" would say nobody active skipped it.
    assert quests["open-to-all"] == {"quest_id": "open-to-all", "started": 32, "completed": None}
    assert quests["every-step"] == {"quest_id": "every-step", "started": 20, "completed": None}

    by_sector = client.get(
        f"/api/v1/challenges/{challenge_id}/dashboard?breakdown=sector", headers=fund
    ).get_json()
    rows = {r["label"]: r for r in by_sector["rows"]}
    assert rows["transport"]["participants"] == 30 and rows["transport"]["active"] == 20
    # 4 unknown and 0 elsewhere are hidden, so cleaning (25) is hidden with them.
    assert rows["unknown"]["participants"] is None and rows["cleaning"]["participants"] is None

    exported = client.get(
        f"/api/v1/challenges/{challenge_id}/dashboard.csv?breakdown=sector", headers=fund
    )
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert lines[0][:5] == ["label", "participants", "active", "quests_completed", "offers_taken"]
    assert lines[0][5:] == [
        f"growth_{c}" for c in ("reflecting", "exploring", "steering", "networking")
    ]
    rows = {line[0]: line[1:] for line in lines[1:]}
    assert rows["transport"] == ["30", "20", "40", "<10", "<10", "<10", "1.5", "<10"]
    assert rows["cleaning"] == ["<10"] * 8
    assert all(cell == "<10" or float(cell) >= 10 for line in lines[1:] for cell in line[1:5])


def test_another_fund_and_everyone_else_get_nothing(app, client):
    challenge_id, _code = make_challenge(app, make_fund_member(app))
    other_fund = bearer_for(app, make_fund_member(app))
    for path in ("dashboard", "dashboard.csv"):
        url = f"/api/v1/challenges/{challenge_id}/{path}"
        assert client.get(url, headers=other_fund).status_code == 404
        assert client.get(url, headers=bearer_for(app, make_user(app))).status_code == 403
    wrong = client.get(
        f"/api/v1/challenges/{challenge_id}/dashboard?breakdown=name", headers=other_fund
    )
    assert wrong.status_code == 422  # no free filters: only the menu


def test_the_week_breakdown_counts_someone_who_joined_in_the_first_hour(app, client):
    """A challenge that starts at midnight in Amsterdam starts on Sunday evening in UTC;
    a worker who joins half an hour later is still in a listed week (the menu and the
    grouping use the same weeks)."""
    from zoneinfo import ZoneInfo

    from game_server.models import ChallengeParticipant

    member = make_fund_member(app)
    monday = datetime(2026, 11, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    challenge_id, code = make_challenge(
        app, member, starts_at=monday, ends_at=monday + timedelta(days=20)
    )
    with session_scope(app) as session:
        for n in range(12):
            worker = User(display_name=f"w{n}", is_guest=True)
            session.add(worker)
            session.flush()
            session.add(
                ChallengeParticipant(
                    challenge_id=challenge_id,
                    user_id=worker.id,
                    joined_at=monday + timedelta(minutes=30 + n),
                )
            )
    board = client.get(
        f"/api/v1/challenges/{challenge_id}/dashboard?breakdown=week",
        headers=bearer_for(app, member),
    )
    assert board.status_code == 200, board.get_data(as_text=True)
    rows = board.get_json()["rows"]
    assert rows[0]["label"] == "2026-11-23"  # the UTC week holding Sunday 23:00 UTC
    assert board.get_json()["total"]["participants"] == 12
