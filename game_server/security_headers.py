"""Headers that make every page harder to abuse: no framing, no sniffing, scripts only ours.

Anything answered to a signed-in caller (or to a half-done two-factor login) may carry
personal data, so no cache (a shared computer's browser, a proxy) may keep it. Public pages
and static files may be cached.
"""

from flask import Flask, request, session
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        # 'self' covers ws:/wss: to this host in current browsers (CSP level 3).
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)


def init_app(app: Flask, *, production: bool) -> None:
    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if _may_be_personal():
            headers["Cache-Control"] = "no-store"
        return response


def _may_be_personal() -> bool:
    from .two_factor import PENDING_KEY  # the half-done login

    if request.endpoint == "static":
        return False
    if request.path.startswith("/api/v1/me"):
        return True
    return current_user.is_authenticated or PENDING_KEY in session
