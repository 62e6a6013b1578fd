"""Settings: safe defaults for development, hard requirements for production."""

import pytest

from game_server import create_app
from game_server.config import ConfigError, Settings


def test_production_without_a_secret_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("GAME_SECRET_KEY", raising=False)
    settings = Settings(env="production", instance_path=tmp_path)
    with pytest.raises(ConfigError, match="GAME_SECRET_KEY is missing or shorter than 32"):
        create_app(settings)


def test_production_with_a_short_secret_key_refuses_to_start(tmp_path):
    settings = Settings(env="production", instance_path=tmp_path, secret_key="short")
    with pytest.raises(ConfigError, match="GAME_SECRET_KEY"):
        settings.resolve_secret_key()


def test_production_accepts_a_long_secret_key(tmp_path):
    key = "k" * 48
    assert (
        Settings(env="production", instance_path=tmp_path, secret_key=key).resolve_secret_key()
        == key
    )


def test_development_generates_a_key_once_and_keeps_it(tmp_path):
    first = Settings(instance_path=tmp_path).resolve_secret_key()
    second = Settings(instance_path=tmp_path).resolve_secret_key()
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_settings_come_from_game_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("GAME_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("GAME_REDIS_URL", "redis://127.0.0.1:6379/2")
    monkeypatch.setenv("GAME_ALLOWED_ORIGINS", "https://a.example, https://b.example/")
    settings = Settings(instance_path=tmp_path)
    assert settings.sqlalchemy_url == "postgresql+psycopg://u@h/db"
    assert settings.redis_url == "redis://127.0.0.1:6379/2"
    assert settings.origins == ["https://a.example", "https://b.example"]


def test_the_embedded_default_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    for name in ("GAME_DATABASE_URL", "GAME_REDIS_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(instance_path=tmp_path)
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path / 'loopbaan.db'}"
    assert settings.redis_url is None
    assert settings.origins == ["http://127.0.0.1:5000", "http://localhost:5000"]


def test_an_empty_redis_url_means_no_redis(monkeypatch, tmp_path):
    monkeypatch.setenv("GAME_REDIS_URL", "")
    assert Settings(instance_path=tmp_path).redis_url is None
