"""Settings from the environment (prefix GAME_), with safe defaults for the embedded mode."""

import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GAME_", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    secret_key: SecretStr | None = None
    instance_path: Path = PROJECT_ROOT / "instance"
    # Empty means the embedded default: SQLite in the instance folder.
    database_url: str = ""
    redis_url: str | None = None
    # Browsers may open sockets and send cookies only from these origins.
    # Empty means http://127.0.0.1:PORT and http://localhost:PORT.
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    port: int = Field(default=5000, validation_alias="PORT")
    # Our public address: xAPI activity ids and credential links are built on it, the same
    # from a request, a socket event or a background job. Empty: the first allowed origin.
    public_url: str = Field(default="", pattern=r"^(https?://[^\s/]+(/[^\s]*)?)?$")
    async_mode: Literal["gevent", "threading"] = "gevent"
    socketio_channel: str = "loopbaan-quest"
    # Number of reverse proxies in front of us whose X-Forwarded-* headers we trust.
    trusted_proxies: int = 0
    default_locale: Literal["nl", "en"] = "nl"
    token_ttl_days: int = Field(default=30, ge=1, le=365)
    guest_token_ttl_days: int = Field(default=90, ge=1, le=365)
    login_limit_per_account: str = "10 per 15 minutes"
    login_limit_per_ip: str = "60 per 15 minutes"
    # Wrong two-factor codes per account: a million codes, five tries per quarter hour.
    otp_limit_per_account: str = "5 per 15 minutes"
    # A workplace's phones share one address: a live session of 200 must fit comfortably.
    register_limit_per_ip: str = "100 per hour"
    guest_limit_per_ip: str = "600 per hour"
    quests_path: Path = PROJECT_ROOT / "quests"
    # Reload content files when they change; default: only in development.
    content_reload: bool | None = None
    # Send queued xAPI statements to a connected LRS from the server process.
    xapi_delivery: bool = True
    xapi_interval_seconds: float = Field(default=15.0, gt=0, le=3600)
    # Reminders before due dates and check-ins on planned actions (see game_server/jobs.py).
    reminders: bool = True
    reminder_interval_seconds: float = Field(default=900.0, gt=0, le=86400)
    job_queue: str = "loopbaan"  # the RQ queue the Procfile's worker listens on
    # Idempotency records (the first response to a keyed request, to replay it) are kept
    # this long: a phone resends within minutes, so a week is ample. Pruned every hour.
    idempotency_retention_days: float = Field(default=7.0, gt=0, le=365)
    idempotency_prune_interval_seconds: float = Field(default=3600.0, gt=0, le=86400)
    # E-mail through SMTP; without a host (the embedded default) mail is only logged.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True  # STARTTLS on the submission port
    smtp_ssl: bool = False  # TLS from the start (port 465); excludes STARTTLS
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    mail_from: str = "Loopbaan Quest <noreply@loopbaanquest.nl>"
    # How often the outbox is emptied (a password reset also nudges it at once).
    mail_interval_seconds: float = Field(default=30.0, gt=0, le=3600)
    mail_delivery: bool = True
    # A forgotten password: mails asked for, per address and per client.
    reset_limit_per_account: str = "3 per hour"
    reset_limit_per_ip: str = "20 per hour"
    max_body_bytes: int = 256 * 1024
    socket_max_message_bytes: int = 64 * 1024
    # Per-connection token bucket for client events: a phone sends a few events a minute;
    # a flood gets error acks, and after socket_flood_refusals of them, a disconnect.
    socket_events_per_second: float = Field(default=5.0, gt=0)
    socket_event_burst: int = Field(default=20, ge=1)
    socket_flood_refusals: int = Field(default=30, ge=1)

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value):
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("redis_url", "smtp_host", mode="before")
    @classmethod
    def _empty_redis_is_none(cls, value):
        return value or None

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def origins(self) -> list[str]:
        if self.allowed_origins:
            return self.allowed_origins
        return [f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}"]

    @property
    def site_root(self) -> str:
        return (self.public_url or self.origins[0]).rstrip("/") + "/"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.instance_path / 'loopbaan.db'}"

    def resolve_secret_key(self) -> str:
        """Return the signing key; production demands one, development keeps one on disk."""
        if self.secret_key is not None:
            key = self.secret_key.get_secret_value()
            if len(key) >= MIN_SECRET_KEY_LENGTH or not self.is_production:
                return key
        if self.is_production:
            raise ConfigError(
                "GAME_SECRET_KEY is missing or shorter than "
                f"{MIN_SECRET_KEY_LENGTH} characters. Set it to a long random value, e.g. "
                "the output of: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        key_file = self.instance_path / "secret_key"
        if key_file.exists():
            return key_file.read_text().strip()
        self.instance_path.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key
