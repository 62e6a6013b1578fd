"""Password rules (NIST-style) and argon2id hashing."""

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game_server.db import session_scope
from game_server.models import User
from game_server.services.common.errors import InvalidCredentials, WeakPassword
from game_server.services.identity import accounts, passwords

from ..factories import make_user


@pytest.mark.parametrize("weak", ["", "kort", "1234567"])
def test_fewer_than_eight_characters_is_refused(weak):
    with pytest.raises(WeakPassword) as error:
        passwords.check_password_rules(weak)
    assert error.value.params["reason"] == "too_short"


@pytest.mark.parametrize(
    "common", ["password", "12345678", "Password1", "qwertyuiop", "Wachtwoord123"]
)
def test_the_most_common_passwords_are_refused_in_any_case(common):
    with pytest.raises(WeakPassword) as error:
        passwords.check_password_rules(common)
    assert error.value.params["reason"] == "common"


def test_the_email_address_is_refused_as_a_password():
    with pytest.raises(WeakPassword):
        passwords.check_password_rules("sanne.devries@example.nl", email="sanne.devries@example.nl")


def test_long_passphrases_are_welcome_and_every_character_counts():
    phrase = "ik rij elke ochtend om zes uur de eerste rit naar het depot in venlo " * 2
    assert len(phrase) > 64
    passwords.check_password_rules(phrase)
    hashed = passwords.hash_password(phrase)
    assert passwords.verify_password(hashed, phrase)
    # No truncation: a change at the very end (past bcrypt's 72 bytes) must matter.
    assert not passwords.verify_password(hashed, phrase[:-1] + "X")
    assert not passwords.verify_password(hashed, phrase[:72])


def test_case_matters():
    hashed = passwords.hash_password("Vrachtwagen op de A2")
    assert not passwords.verify_password(hashed, "vrachtwagen op de a2")


def test_absurdly_long_passwords_are_refused_before_hashing():
    with pytest.raises(WeakPassword) as error:
        passwords.check_password_rules("x" * 2000)
    assert error.value.params["reason"] == "too_long"


def test_hashes_are_argon2id():
    assert passwords.hash_password("a fine long password").startswith("$argon2id$")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(min_size=8, max_size=80).filter(
        lambda p: p.lower() not in passwords._common_passwords()
    )
)
def test_any_accepted_password_verifies_and_a_changed_one_does_not(password):
    passwords.check_password_rules(password)
    hashed = passwords.hash_password(password)
    assert passwords.verify_password(hashed, password)
    assert not passwords.verify_password(hashed, password + "!")


def test_login_rehashes_when_the_parameters_changed(app):
    user = make_user(app)
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(
        "oude instellingen hier"
    )
    with session_scope(app) as session:
        row = session.get(User, user.id)
        row.password_hash = old
        session.add(row)
    with session_scope(app) as session:
        accounts.authenticate(session, email=user.email, password="oude instellingen hier")
    with session_scope(app) as session:
        new = session.get(User, user.id).password_hash
    assert new != old
    assert not passwords.needs_rehash(new)
    assert passwords.verify_password(new, "oude instellingen hier")


def test_a_guest_has_no_password_to_log_in_with(app):
    make_user(app, guest=True)
    with session_scope(app) as session, pytest.raises(InvalidCredentials):
        accounts.authenticate(session, email="", password="")


def test_hashing_under_gevent_lets_other_greenlets_run():
    """A login's argon2 work must not freeze the live sessions served by the same process."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        from gevent import monkey; monkey.patch_all()
        import gevent
        from game_server.services.identity import passwords
        state = {"ticks": 0, "done": False}
        def ticker():
            while not state["done"]:
                state["ticks"] += 1
                gevent.sleep(0.005)
        gevent.spawn(ticker)
        gevent.sleep(0)
        start = state["ticks"]
        for _ in range(6):
            hashed = passwords.hash_password("een lang wachtwoord om te hashen")
            assert passwords.verify_password(hashed, "een lang wachtwoord om te hashen")
        state["done"] = True
        print(state["ticks"] - start)
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    # Twelve argon2 runs take several hundred milliseconds; a frozen hub ticks at most once.
    assert int(result.stdout) >= 10, f"only {result.stdout.strip()} ticks while hashing"
