"""My wallet over JSON: the worker reads it and marks items used and back; coaches and fund
members give only to their own workers, with clear errors, and nobody reads another's."""

from datetime import timedelta

from game_server.db import session_scope
from game_server.models import Role, ShareLevel, WalletItem, utcnow
from game_server.services.guidance import coaching

from ..challenge_fixtures import join, make_challenge, make_fund_member
from ..factories import bearer_for, count, make_user


def _gift(**changes) -> dict:
    body = {
        "kind": "voucher",
        "title_nl": "Cursus Excel",
        "title_en": "Excel course",
        "purpose_nl": "Een cursus Excel bij het ROC.",
        "purpose_en": "An Excel course at the college.",
        "how_nl": "Vul de code in bij je aanmelding.",
        "how_en": "Fill in the code when you sign up.",
        "url": "https://roc.example.nl/excel",
        "code": "EXCEL-2026-17",
        "valid_until": (utcnow().date() + timedelta(days=60)).isoformat(),
    }
    body.update(changes)
    return body


def _linked(app):
    coach = make_user(app, Role.COACH, display_name="Coach Mirjam")
    worker = make_user(app)
    with session_scope(app) as session:
        code = coaching.create_invite(session, coach_id=coach.id).code
        coaching.accept(session, worker_id=worker.id, code=code, share=ShareLevel.PROGRESS)
    return coach, worker


def test_a_coach_gives_and_the_worker_reads_and_marks_it_used_and_back(app, client):
    coach, worker = _linked(app)
    given = client.post(
        f"/api/v1/coach/clients/{worker.id}/wallet", json=_gift(), headers=bearer_for(app, coach)
    )
    assert given.status_code == 201, given.get_json()
    item_id = given.get_json()["id"]
    mine = bearer_for(app, worker)
    body = client.get("/api/v1/me/wallet", headers=mine).get_json()
    (item,) = body["items"]
    assert body["expired"] == []
    assert item["code"] == "EXCEL-2026-17" and item["issuer_name"] == "Coach Mirjam"
    assert item["title"] == "Cursus Excel" and item["used_at"] is None
    used = client.put(f"/api/v1/me/wallet/{item_id}/used", headers=mine)
    assert used.status_code == 200 and used.get_json()["used_at"]
    back = client.delete(f"/api/v1/me/wallet/{item_id}/used", headers=mine)
    assert back.status_code == 200 and back.get_json()["used_at"] is None


def test_a_budget_is_given_in_cents_and_shown_in_english_on_request(app, client):
    coach, worker = _linked(app)
    gift = _gift(kind="budget", code=None, amount_cents=50_000)
    given = client.post(
        f"/api/v1/coach/clients/{worker.id}/wallet", json=gift, headers=bearer_for(app, coach)
    )
    assert given.status_code == 201
    mine = bearer_for(app, worker)
    client.put("/api/v1/me/locale", json={"locale": "en"}, headers=mine)
    (item,) = client.get("/api/v1/me/wallet", headers=mine).get_json()["items"]
    assert (item["kind"], item["amount_cents"], item["title"]) == ("budget", 50_000, "Excel course")


def test_a_gift_with_mistakes_is_refused_field_by_field_and_changes_nothing(app, client):
    coach, worker = _linked(app)
    headers = bearer_for(app, coach)
    url = f"/api/v1/coach/clients/{worker.id}/wallet"
    for wrong in (
        _gift(code=None),  # a voucher without its code
        _gift(kind="budget", code=None, amount_cents=-5),
        _gift(url="ftp://elsewhere"),
        _gift(title_nl=""),
        {**_gift(), "owner": 1},
    ):
        assert client.post(url, json=wrong, headers=headers).status_code == 422, wrong
    past = _gift(valid_until=(utcnow().date() - timedelta(days=1)).isoformat())
    refused = client.post(url, json=past, headers=headers)
    assert (
        refused.status_code == 422
        and refused.get_json()["error"]["fields"][0]["field"] == "valid_until"
    )
    assert count(app, WalletItem) == 0


def test_a_coach_or_fund_gives_only_to_their_own_workers(app, client):
    coach, worker = _linked(app)
    stranger = make_user(app)
    other_coach = make_user(app, Role.COACH)
    fund = make_fund_member(app)
    url = "/api/v1/coach/clients/{}/wallet"
    assert (
        client.post(url.format(stranger.id), json=_gift(), headers=bearer_for(app, coach))
    ).status_code == 404
    assert (
        client.post(url.format(worker.id), json=_gift(), headers=bearer_for(app, other_coach))
    ).status_code == 404
    assert (
        client.post(url.format(worker.id), json=_gift(), headers=bearer_for(app, fund))
    ).status_code == 404
    _, code = make_challenge(app, fund)
    join(app, code, stranger)
    given = client.post(url.format(stranger.id), json=_gift(), headers=bearer_for(app, fund))
    assert given.status_code == 201 and given.get_json()["issuer_kind"] == "fund"
    assert (
        client.post(url.format(worker.id), json=_gift(), headers=bearer_for(app, worker))
    ).status_code == 403
    assert count(app, WalletItem) == 1


def test_nobody_marks_or_sees_another_workers_item(app, client):
    coach, worker = _linked(app)
    item_id = client.post(
        f"/api/v1/coach/clients/{worker.id}/wallet", json=_gift(), headers=bearer_for(app, coach)
    ).get_json()["id"]
    other = bearer_for(app, make_user(app))
    assert client.put(f"/api/v1/me/wallet/{item_id}/used", headers=other).status_code == 404
    assert client.delete(f"/api/v1/me/wallet/{item_id}/used", headers=other).status_code == 404
    assert client.get("/api/v1/me/wallet", headers=other).get_json()["items"] == []
    assert client.get("/api/v1/me/wallet").status_code == 401


def test_the_wallet_is_in_the_openapi_document(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get"} <= set(paths["/api/v1/me/wallet"])
    assert {"put", "delete"} <= set(paths["/api/v1/me/wallet/{item_id}/used"])
    assert "requestBody" in paths["/api/v1/coach/clients/{worker_id}/wallet"]["post"]
