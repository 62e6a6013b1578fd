"""Loopbaan Quest: career exploration through play. `create_app` wires the parts together."""

from datetime import timedelta

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import access, auth, cli, db, error_handling, security_headers, subscribers, two_factor
from .config import PROJECT_ROOT, Settings
from .content.catalog import CatalogSource
from .content.drafts import LibraryFiles
from .extensions import babel, csrf, limiter, mailer, socketio
from .models.types import MAX_ROW_ID

WEB_ROOT = PROJECT_ROOT / "web"


class RowIdConverter(IntegerConverter):
    """`<int:…>` in every route: an id no row can have is no match (404), never a query that
    overflows the database's integer."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)
        if self.max == MAX_ROW_ID and not self.signed and not self.fixed_digits:
            # Out of range in the pattern itself, not only in to_python: where one path has
            # a rule per method (GET, PUT, DELETE), werkzeug answers a to_python refusal with
            # 405 for some methods (the others' rules were seen first), not 404.
            self.regex = _up_to(MAX_ROW_ID)


def _up_to(limit: int) -> str:
    """A regex for the decimal numbers 0..limit (no leading zeros needed)."""
    digits = str(limit)
    options = [rf"\d{{1,{len(digits) - 1}}}"]
    for i, digit in enumerate(digits):
        rest = len(digits) - i - 1
        if int(digit) > (1 if i == 0 else 0):
            lower = "1" if i == 0 else "0"
            options.append(rf"{digits[:i]}[{lower}-{int(digit) - 1}]\d{{{rest}}}")
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


def select_locale() -> str:
    """The signed-in user's choice, else the language cookie, else Dutch."""
    if current_user.is_authenticated:
        return current_user.locale
    chosen = request.cookies.get("lang")
    return chosen if chosen in ("nl", "en") else current_app.config["GAME_SETTINGS"].default_locale


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application for `settings` (default: from the GAME_ environment)."""
    settings = settings or Settings()
    app = Flask(
        __name__,
        instance_path=str(settings.instance_path),
        template_folder=str(WEB_ROOT / "templates"),
        static_folder=str(WEB_ROOT / "static"),
    )
    app.url_map.converters["int"] = RowIdConverter
    app.config.update(
        GAME_SETTINGS=settings,
        SECRET_KEY=settings.resolve_secret_key(),
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_NAME="lq_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        PERMANENT_SESSION_LIFETIME=timedelta(days=30),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.is_production,
        # auth.py decides which requests need a CSRF token (cookie-authenticated writes).
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        RATELIMIT_KEY_PREFIX="loopbaan-quest",
        # Redis gone: count in this process's memory until it is back (checked with backoff),
        # rather than fail every throttled request (joining as a guest, logging in) with a 500.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        BABEL_DEFAULT_LOCALE=settings.default_locale,
        # Times on the pages are Dutch local time (stored in UTC).
        BABEL_DEFAULT_TIMEZONE="Europe/Amsterdam",
        BABEL_TRANSLATION_DIRECTORIES=str(PROJECT_ROOT / "game_server" / "translations"),
    )
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)

    db.init_app(app, settings.sqlalchemy_url)
    reload = settings.content_reload
    app.extensions["catalog_source"] = CatalogSource(
        settings.quests_path,
        auto_reload=settings.env == "development" if reload is None else reload,
    )
    # The same files for the editors' preview: each with its problems, read when changed.
    app.extensions["library_files"] = LibraryFiles(settings.quests_path)
    auth.init_app(app, enforce_enrolment=two_factor.enforce_enrolment)
    csrf.init_app(app)
    limiter.init_app(app)
    app.config.update(
        MAIL_SERVER=settings.smtp_host or "localhost",
        MAIL_PORT=settings.smtp_port,
        MAIL_USERNAME=settings.smtp_username,
        MAIL_PASSWORD=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        MAIL_USE_TLS=settings.smtp_starttls and not settings.smtp_ssl,
        MAIL_USE_SSL=settings.smtp_ssl,
        MAIL_TIMEOUT=settings.smtp_timeout_seconds,
        MAIL_DEFAULT_SENDER=settings.mail_from,
    )
    mailer.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    # Handlers must be known before init_app: it copies them onto the new Socket.IO server.
    from . import realtime  # noqa: F401

    socketio.init_app(
        app,
        async_mode=settings.async_mode,
        cors_allowed_origins=settings.origins,
        max_http_buffer_size=settings.socket_max_message_bytes,
        # Built here rather than from message_queue=..., so that every app gets exactly the
        # manager its settings ask for (Flask-SocketIO would keep a previous app's queue).
        client_manager=_socket_client_manager(settings),
        message_queue=None,
    )
    from .realtime.transport import harden

    harden(socketio.server)
    from .api import api
    from .pages import pages

    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.jinja_env.add_extension("jinja2.ext.do")
    _declare_static_public(app)
    app.context_processor(lambda: {"current_locale": str(get_locale())})
    error_handling.init_app(app)
    security_headers.init_app(app, production=settings.is_production)
    cli.init_app(app)
    subscribers.init_app(app)
    return app


def _socket_client_manager(settings: Settings):
    """Redis pub/sub between server processes when configured, else this process only."""
    from .realtime.rooms import EvictingManager, RoomChannelRedisManager

    if not settings.redis_url:
        return EvictingManager()
    return RoomChannelRedisManager(settings.redis_url, channel=settings.socketio_channel)


def _declare_static_public(app: Flask) -> None:
    send = app.view_functions["static"]

    @access.allow(access.PUBLIC)
    def static(filename):
        return send(filename=filename)

    app.view_functions["static"] = static
