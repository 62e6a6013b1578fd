"""Mijn portemonnee on the pages: the worker sees what each item is for, how and until when
to use it, copies a code, marks it used and back (with CSRF); expired items stand apart."""

from datetime import timedelta

from game_server.db import session_scope
from game_server.models import Role, ShareLevel, utcnow
from game_server.services.funds.wallet import GiftDraft
from game_server.services.guidance import coaching, wallet_gifts

from ..factories import csrf_token, login, make_user


def _gift(app, coach, worker, **changes) -> int:
    values = {
        "kind": "voucher",
        "title_nl": "Cursus heftruck",
        "title_en": "Forklift course",
        "purpose_nl": "Je heftruckcertificaat halen.",
        "purpose_en": "Getting your forklift certificate.",
        "how_nl": "Bel het opleidingscentrum en noem de code.",
        "how_en": "Call the training centre and give the code.",
        "url": "https://opleiding.example.nl/heftruck",
        "code": "HEF-7788-XQ",
        "valid_until": utcnow().date() + timedelta(days=30),
    }
    values.update(changes)
    with session_scope(app) as session:
        return wallet_gifts.give(
            session, giver_id=coach.id, worker_id=worker.id, draft=GiftDraft(**values)
        ).id


def _linked(app):
    coach = make_user(app, Role.COACH, display_name="Coach Ellen")
    worker = make_user(app)
    with session_scope(app) as session:
        code = coaching.create_invite(session, coach_id=coach.id).code
        coaching.accept(session, worker_id=worker.id, code=code, share=ShareLevel.PROGRESS)
    return coach, worker


def test_an_empty_wallet_says_how_to_get_something_and_is_in_the_menu(app, client):
    login(client, make_user(app))
    page = client.get("/me/wallet").get_data(as_text=True)
    assert "<h1>Mijn portemonnee</h1>" in page
    assert 'data-testid="nav-wallet"' in page and 'href="/me/wallet"' in page
    assert "Hier zit nog niets in." in page and 'href="/challenges"' in page
    assert "Niet meer geldig" not in page


def test_the_worker_sees_what_it_is_for_how_until_when_and_can_copy_the_code(app, client):
    coach, worker = _linked(app)
    _gift(app, coach, worker)
    _gift(app, coach, worker, kind="budget", code=None, amount_cents=123_456, url=None)
    login(client, worker)
    page = client.get("/me/wallet").get_data(as_text=True)
    assert "Cursus heftruck" in page and "Je heftruckcertificaat halen." in page
    assert "Bel het opleidingscentrum en noem de code." in page
    assert 'href="https://opleiding.example.nl/heftruck"' in page
    assert "Van je coach Coach Ellen" in page
    until = (utcnow().date() + timedelta(days=30)).strftime("%d-%m-%Y")
    assert f"Gebruik het tot en met {until}." in page
    # The code is plain text without script; the button is shown by wallet.js.
    assert '<strong class="voucher-code" id="code-' in page and "HEF-7788-XQ" in page
    assert "data-copy=" in page and "hidden>Code kopiëren" in page and "/js/wallet.js" in page
    assert "€ 1.234,56" in page


def test_marking_used_and_back_needs_the_form_token_and_says_what_happened(app, client):
    coach, worker = _linked(app)
    item_id = _gift(app, coach, worker)
    login(client, worker)
    token = csrf_token(client, "/me/wallet")
    refused = client.post(f"/me/wallet/{item_id}/used", data={"used": "yes"})
    assert refused.status_code == 403
    assert "Je hebt het gebruikt op" not in client.get("/me/wallet").get_data(as_text=True)
    done = client.post(f"/me/wallet/{item_id}/used", data={"csrf_token": token, "used": "yes"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"#item-{item_id}")
    page = client.get("/me/wallet").get_data(as_text=True)
    assert "Je hebt dit als gebruikt gemarkeerd." in page and "Je hebt het gebruikt op" in page
    assert "Ik heb het toch niet gebruikt" in page
    client.post(f"/me/wallet/{item_id}/used", data={"csrf_token": token, "used": "no"})
    page = client.get("/me/wallet").get_data(as_text=True)
    assert "Je hebt dit als niet gebruikt gemarkeerd." in page
    assert "Je hebt het gebruikt op" not in page


def test_someone_elses_item_cannot_be_marked(app, client):
    coach, worker = _linked(app)
    item_id = _gift(app, coach, worker)
    login(client, make_user(app))
    token = csrf_token(client, "/me/wallet")
    client.post(f"/me/wallet/{item_id}/used", data={"csrf_token": token, "used": "yes"})
    assert "Dit zit niet in je portemonnee." in client.get("/me/wallet").get_data(as_text=True)
    owner = app.test_client()
    login(owner, worker)
    assert "Je hebt het gebruikt op" not in owner.get("/me/wallet").get_data(as_text=True)


def test_expired_items_stand_apart_calmly(app, client):
    coach, worker = _linked(app)
    item_id = _gift(app, coach, worker)
    with session_scope(app) as session:
        from game_server.models import WalletItem

        item = session.get(WalletItem, item_id)
        item.valid_until = utcnow().date() - timedelta(days=3)
        session.add(item)
        session.commit()
    login(client, worker)
    page = client.get("/me/wallet").get_data(as_text=True)
    current, expired = page.split('data-testid="wallet-expired"')
    assert "Hier zit nog niets in." in current and "Cursus heftruck" not in current
    assert "Niet meer geldig" in expired and "Cursus heftruck" in expired
    assert "Je kon het gebruiken tot en met" in expired and "is-expired" in expired


def test_a_signed_out_visitor_is_sent_to_log_in_and_back(app, client):
    response = client.get("/me/wallet")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/me/wallet"
