"""Two-factor authentication as a service: codes, replay, recovery codes, who must use it."""

import threading
import time

import pyotp
import pytest
from sqlmodel import select

from game_server.db import session_scope
from game_server.models import AuditEntry, RecoveryCode, Role, TwoFactor, User
from game_server.services.common.errors import OtpInvalid, TwoFactorRequired
from game_server.services.identity import organisations, two_factor

from ..factories import enrol_two_factor, make_user, totp_code, totp_secret


def _verify(app, user, code):
    with session_scope(app) as session:
        return two_factor.verify(session, user_id=user.id, code=code, secret_key=app.secret_key)


def test_a_first_code_turns_it_on_with_ten_different_recovery_codes(app):
    user = make_user(app)
    codes = enrol_two_factor(app, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    with session_scope(app) as session:
        state = two_factor.status(session, user_id=user.id)
        stored = session.exec(select(RecoveryCode.code_hash)).all()
    assert state.enabled and state.recovery_codes_left == 10 and not state.required
    # Stored hashed: no code appears in the table.
    assert not {code.replace("-", "") for code in codes} & set(stored)


def test_the_secret_is_stored_encrypted_and_needs_the_app_key(sqlite_app):
    app = sqlite_app  # about the web layer, not the database
    user = make_user(app, second_factor=True)
    secret = totp_secret(app, user)
    with session_scope(app) as session:
        row = session.get(TwoFactor, user.id)
        assert secret not in row.secret_encrypted
        with pytest.raises(OtpInvalid):
            two_factor._secret_of(row, "another-secret-key-" + "z" * 32)


def test_enrolment_keeps_the_same_secret_until_confirmed(sqlite_app):
    app = sqlite_app  # about the web layer, not the database
    user = make_user(app)
    with session_scope(app) as session:
        first = two_factor.start_enrolment(session, user_id=user.id, secret_key=app.secret_key)
        again = two_factor.start_enrolment(session, user_id=user.id, secret_key=app.secret_key)
        assert first.secret == again.secret
        assert first.uri.startswith("otpauth://totp/Loopbaan%20Quest:")
        assert not two_factor.is_enabled(session, user_id=user.id)
    with session_scope(app) as session, pytest.raises(OtpInvalid):
        two_factor.confirm_enrolment(
            session, user_id=user.id, code="000000", secret_key=app.secret_key
        )


def test_enabling_ends_every_other_session(app):
    user = make_user(app)
    enrol_two_factor(app, user)
    with session_scope(app) as session:
        assert session.get(User, user.id).session_token != user.session_token


def test_a_wrong_code_is_refused(app):
    user = make_user(app, Role.COACH)
    right = totp_code(app, user)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with pytest.raises(OtpInvalid):
        _verify(app, user, wrong)


def test_a_code_from_long_ago_is_refused(sqlite_app):
    app = sqlite_app  # about the web layer, not the database
    user = make_user(app, Role.COACH)
    old = pyotp.TOTP(totp_secret(app, user)).at(time.time() - 5 * 60)
    with pytest.raises(OtpInvalid):
        _verify(app, user, old)


def test_the_same_code_is_accepted_once(app):
    user = make_user(app, Role.COACH)
    code = totp_code(app, user)
    assert _verify(app, user, code).method == "totp"
    with pytest.raises(OtpInvalid):
        _verify(app, user, code)


def test_a_code_older_than_the_last_one_used_is_refused(app):
    user = make_user(app, Role.COACH)
    secret = totp_secret(app, user)
    now = int(time.time() // 30)
    _verify(app, user, pyotp.TOTP(secret).generate_otp(now + 1))
    with pytest.raises(OtpInvalid):
        _verify(app, user, pyotp.TOTP(secret).generate_otp(now))


def test_two_requests_racing_with_one_code_let_exactly_one_in(app):
    user = make_user(app, Role.COACH)
    code = totp_code(app, user)
    results, start = [], threading.Barrier(4)

    def attempt():
        start.wait()
        try:
            _verify(app, user, code)
            results.append("in")
        except OtpInvalid:
            results.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["in", "refused", "refused", "refused"]


def test_a_recovery_code_works_once_and_the_count_goes_down(app):
    user = make_user(app)
    codes = enrol_two_factor(app, user)
    used = _verify(app, user, codes[3].upper().replace("-", " "))  # typed sloppily
    assert used.method == "recovery_code" and used.recovery_codes_left == 9
    with pytest.raises(OtpInvalid):
        _verify(app, user, codes[3])


def test_new_recovery_codes_need_a_code_and_void_the_old_ones(app):
    user = make_user(app)
    old = enrol_two_factor(app, user)
    with session_scope(app) as session, pytest.raises(OtpInvalid):
        two_factor.regenerate_recovery_codes(
            session, user_id=user.id, code="123456x", secret_key=app.secret_key
        )
    with session_scope(app) as session:
        new = two_factor.regenerate_recovery_codes(
            session, user_id=user.id, code=old[0], secret_key=app.secret_key
        )
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(OtpInvalid):
        _verify(app, user, old[1])
    assert _verify(app, user, new[0]).recovery_codes_left == 9


@pytest.mark.parametrize("role", [Role.COACH, Role.FUND, Role.ADMIN])
def test_coaches_funds_and_admins_must_use_it(app, role):
    user = make_user(app, role, second_factor=False)
    with session_scope(app) as session:
        assert two_factor.requires(session, user_id=user.id)


def test_a_member_of_a_fund_organisation_must_use_it_a_worker_need_not(app):
    member, worker = make_user(app), make_user(app)
    with session_scope(app) as session:
        fund = organisations.create(session, name="Fonds Metaal", kind="fund")
        employer = organisations.create(session, name="Garage Jansen", kind="employer")
        organisations.add_member(session, organisation_id=fund.id, user_id=member.id)
        organisations.add_member(session, organisation_id=employer.id, user_id=worker.id)
    with session_scope(app) as session:
        assert two_factor.requires(session, user_id=member.id)
        assert not two_factor.requires(session, user_id=worker.id)


def test_a_worker_switches_it_off_with_a_code_a_coach_cannot(app):
    worker, coach = make_user(app, second_factor=True), make_user(app, Role.COACH)
    with session_scope(app) as session, pytest.raises(TwoFactorRequired):
        two_factor.disable(
            session, user_id=coach.id, code=totp_code(app, coach), secret_key=app.secret_key
        )
    with session_scope(app) as session, pytest.raises(OtpInvalid):
        two_factor.disable(session, user_id=worker.id, code="000000", secret_key=app.secret_key)
    with session_scope(app) as session:
        two_factor.disable(
            session, user_id=worker.id, code=totp_code(app, worker), secret_key=app.secret_key
        )
        assert not two_factor.is_enabled(session, user_id=worker.id)
        assert two_factor.is_enabled(session, user_id=coach.id)
        assert (
            session.exec(select(RecoveryCode).where(RecoveryCode.user_id == worker.id)).all() == []
        )


def test_the_operator_reset_is_audited_and_ends_every_session(app):
    coach = make_user(app, Role.COACH)
    result = app.test_cli_runner().invoke(args=["users", "reset-2fa", coach.email])
    assert result.exit_code == 0, result.output
    with session_scope(app) as session:
        assert not two_factor.is_enabled(session, user_id=coach.id)
        assert session.get(User, coach.id).session_token != coach.session_token
        (entry,) = session.exec(select(AuditEntry).where(AuditEntry.subject_id == coach.id)).all()
        assert entry.actor_id is None and entry.reason.startswith("operator:reset-2fa")
    unknown = app.test_cli_runner().invoke(args=["users", "reset-2fa", "nobody@example.nl"])
    assert unknown.exit_code != 0


def test_after_a_secret_key_change_recovery_codes_still_let_the_user_in(sqlite_app):
    app = sqlite_app  # about the web layer, not the database
    user = make_user(app)
    codes = enrol_two_factor(app, user)
    with session_scope(app) as session:
        other_key = "a-new-secret-key-" + "q" * 32
        with pytest.raises(OtpInvalid):
            two_factor.verify(session, user_id=user.id, code="123456", secret_key=other_key)
        used = two_factor.verify(session, user_id=user.id, code=codes[0], secret_key=other_key)
    assert used.method == "recovery_code"
