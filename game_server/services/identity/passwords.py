"""Password rules and hashing (argon2id).

The rules follow NIST SP 800-63B: a minimum length, long passphrases welcome, every character
counts (no truncation, no case folding), and the most common passwords refused.
"""

import sys
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from ..common.errors import N_, WeakPassword

MIN_LENGTH = 8
# Far above any passphrase; only there so a megabyte "password" cannot tie up the hasher.
MAX_LENGTH = 1024

# argon2-cffi's defaults are RFC 9106's low-memory profile of argon2id.
hasher = PasswordHasher()

# Common in Dutch, missing from the English-language lists.
_DUTCH_COMMON = {
    "wachtwoord",
    "wachtwoord1",
    "wachtwoord123",
    "welkom01",
    "welkom123",
    "welkomwelkom",
    "voetbal1",
    "voetbal123",
    "ajax1900",
    "feyenoord",
    "nederland",
    "amsterdam",
    "rotterdam",
    "geheim123",
    "zomer2024",
    "zomer2025",
    "zomer2026",
    "winter2025",
    "winter2026",
    "loopbaanquest",
    "loopbaan",
    "loopbaan123",
}


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"]) | _DUTCH_COMMON


def check_password_rules(password: str, *, email: str | None = None) -> None:
    """Raise WeakPassword when `password` breaks a rule; the message says what to do instead."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            N_("Use at least %(min)d characters."),
            field="password",
            reason="too_short",
            min=MIN_LENGTH,
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(
            N_("Use at most %(max)d characters."),
            field="password",
            reason="too_long",
            max=MAX_LENGTH,
        )
    lowered = password.lower()
    if lowered in _common_passwords():
        raise WeakPassword(
            N_(
                "This password is one of the most used passwords. Choose another one, "
                "for example three or four words you will remember."
            ),
            field="password",
            reason="common",
        )
    if email and lowered in {email.lower(), email.split("@")[0].lower()}:
        raise WeakPassword(
            N_("Do not use your e-mail address as your password."), field="password", reason="email"
        )


def _off_the_hub(work, *args):
    """Run argon2 (~50 ms of CPU) in a native thread when gevent serves us.

    argon2-cffi releases the GIL, so the live sessions' greenlets keep being served while a
    login is checked, instead of all freezing for the length of the hash.
    """
    if "gevent" in sys.modules:
        from gevent import get_hub, monkey

        if monkey.is_module_patched("threading"):
            return get_hub().threadpool.apply(work, args)
    return work(*args)


def hash_password(password: str) -> str:
    return _off_the_hub(hasher.hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same time as a real check so that timing does not reveal accounts.
        _off_the_hub(_verify, _dummy_hash(), password)
        return False
    return _off_the_hub(_verify, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return hasher.check_needs_rehash(password_hash)


@cache
def _dummy_hash() -> str:
    return hasher.hash("not-a-real-password-only-for-timing")
