"""Throttles for logging in and creating accounts (Flask-Limiter; Redis when configured).

Failed logins count per account and per address; both windows slide, so nobody is locked out
for good, while guessing stays slow. Login pages and the token endpoint share the counts.
"""

from flask import current_app, g, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .extensions import limiter


def _settings():
    return current_app.config["GAME_SETTINGS"]


def _submitted_email() -> str:
    if request.is_json:
        data = request.get_json(silent=True)
        email = data.get("email", "") if isinstance(data, dict) else ""
    else:
        email = request.form.get("email", "")
    return str(email).strip().lower()[:254]


def account_key() -> str:
    return "account:" + _submitted_email()


def mark_login_failed() -> None:
    g.login_failed = True


def _login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


def _failures(limit, scope: str, key_func):
    """A sliding window that only failed attempts (marked by the view) count against."""
    return limiter.shared_limit(
        limit, scope=scope, key_func=key_func, deduct_when=_login_failed, methods=["POST"]
    )


def _failures_per_ip():
    # One count per address for passwords and codes alike: guessing either is guessing.
    return _failures(lambda: _settings().login_limit_per_ip, "login-ip", get_remote_address)


def limit_login(view):
    per_account = _failures(
        lambda: _settings().login_limit_per_account, "login-account", account_key
    )
    return _failures_per_ip()(per_account(view))


def _pending_account_key() -> str:
    from .two_factor import PENDING_KEY  # the half-done login lives in the session

    state = session.get(PENDING_KEY)
    if isinstance(state, dict):
        return f"otp-account:{state.get('user_id')}"
    # Switching off or renewing codes also takes a code: same count, per signed-in user.
    who = current_user.id if current_user.is_authenticated else get_remote_address()
    return f"otp-account:{who}"


def limit_code_attempts(view):
    """Wrong two-factor codes on the login code page, counted per account and per address."""
    per_account = _failures(
        lambda: _settings().otp_limit_per_account, "otp-account", _pending_account_key
    )
    return _failures_per_ip()(per_account(view))


def limit_guests(view):
    return limiter.shared_limit(
        lambda: _settings().guest_limit_per_ip,
        scope="guest-ip",
        key_func=get_remote_address,
        methods=["POST"],
    )(view)


def limit_registration(view):
    return limiter.shared_limit(
        lambda: _settings().register_limit_per_ip,
        scope="register-ip",
        key_func=get_remote_address,
        methods=["POST"],
    )(view)


def limit_password_reset(view):
    """Reset mails asked for: a few per address (nobody's inbox is flooded) and more per
    client (a shared workplace connection). Counted whether or not the address exists."""
    per_account = limiter.shared_limit(
        lambda: _settings().reset_limit_per_account,
        scope="reset-account",
        key_func=account_key,
        methods=["POST"],
    )
    per_ip = limiter.shared_limit(
        lambda: _settings().reset_limit_per_ip,
        scope="reset-ip",
        key_func=get_remote_address,
        methods=["POST"],
    )
    return per_ip(per_account(view))


def forget_account(email: str | None) -> None:
    """Drop the throttling counters keyed on this e-mail address (erasure leaves no trace)."""
    url = _settings().redis_url
    if not email or not url:
        return  # without Redis the counters live in this process's memory and expire there
    import redis

    pattern = "*account:" + "".join(f"[{ch}]" if ch in "*?[]\\" else ch for ch in email) + "*"
    client = redis.Redis.from_url(url)
    try:
        for key in client.scan_iter(match=pattern, count=500):
            client.delete(key)
    finally:
        client.close()
