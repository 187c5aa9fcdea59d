"""Settings load from the environment; production settings are safe (check --deploy)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config import settings as prod
from config.env import EnvError, env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7#k2!pQ9vL0mZ4rT8wY1bN6cH3jF5gD_eS0aU2iO7lK9pQ4zX8cV1bN5mJ3h",
    "DJANGO_ALLOWED_HOSTS": "contest.example.kr",
    "SITE_URL": "https://contest.example.kr",  # links in e-mails (contests.checks)
}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_"))}
    base.pop("STORAGE_BACKEND", None)
    return subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def storage_class(env: dict[str, str]) -> str:
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.core.files.storage import storages;"
        "s = storages['default']; print(type(s).__module__ + '.' + type(s).__name__);"
        "print(getattr(s, 'querystring_expire', '-'), getattr(s, 'default_acl', '-'),"
        " getattr(s, 'file_overwrite', '-'))",
        env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_default_storage_is_the_filesystem():
    out = storage_class(PROD_ENV)
    assert out.splitlines()[0] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_s3_storage_is_private_signed_and_short_lived():
    out = storage_class(
        {
            **PROD_ENV,
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": "b",
            "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9",
        }
    )
    cls, options = out.splitlines()
    assert cls == "storages.backends.s3.S3Storage"
    assert options == "300 None False"  # 5-minute signed URLs, no public ACL, never overwrite


def test_s3_without_bucket_stops_start_up():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        {**PROD_ENV, "STORAGE_BACKEND": "s3"},
    )
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_missing_secret_key_stops_start_up_outside_debug():
    env = {**PROD_ENV, "DJANGO_SECRET_KEY": ""}
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        env,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line;"
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        PROD_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_malformed_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(EnvError, match="X_FLAG"):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_NUM", "12a")
    with pytest.raises(EnvError, match="X_NUM"):
        env_int("X_NUM", 1)


def test_argon2_first_kst_korean():

    assert prod.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert (settings.TIME_ZONE, settings.USE_TZ, settings.LANGUAGE_CODE) == (
        "Asia/Seoul",
        True,
        "ko",
    )


def setting_printed(expression: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Python's ``print(expression)`` with the settings as ``s``, in a fresh process."""
    return run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        f"from django.conf import settings as s; print({expression})",
        env,
    )


def database_options(env: dict[str, str]) -> str:
    result = setting_printed("sorted(s.DATABASES['default']['OPTIONS'].items())", env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_prepares_repeated_statements_unless_turned_off():
    pg = {**PROD_ENV, "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/gongmo"}
    assert database_options(pg) == "[('prepare_threshold', 5), ('server_side_binding', True)]"
    off = database_options({**pg, "DATABASE_PREPARED_STATEMENTS": "0"})
    assert off == "[]"
    sqlite = database_options({**PROD_ENV, "DATABASE_URL": "sqlite:///tmp-unused.sqlite3"})
    assert sqlite == "[('timeout', 20), ('transaction_mode', 'IMMEDIATE')]"  # issue 13.8


def test_sqlite_waits_for_the_write_lock_as_long_as_configured():
    env = {**PROD_ENV, "DATABASE_URL": "sqlite:///tmp-unused.sqlite3"}
    options = database_options({**env, "DATABASE_BUSY_TIMEOUT": "5"})
    assert options == "[('timeout', 5), ('transaction_mode', 'IMMEDIATE')]"
    broken = setting_printed("1", {**env, "DATABASE_BUSY_TIMEOUT": "soon"})
    assert broken.returncode != 0 and "DATABASE_BUSY_TIMEOUT" in broken.stderr


def test_the_smtp_relay_is_read_from_the_environment():
    relay_settings = "s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, " + (
        "s.EMAIL_USE_SSL, s.EMAIL_TIMEOUT"
    )
    relay = {
        **PROD_ENV,
        "EMAIL_HOST": "smtp.example.kr",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "noreply",
        "EMAIL_USE_TLS": "1",
    }
    result = setting_printed(relay_settings, relay)
    assert result.stdout.split() == ["smtp.example.kr", "587", "noreply", "True", "False", "10"]
    both = setting_printed(relay_settings, {**relay, "EMAIL_USE_SSL": "1"})
    assert both.returncode != 0
    assert "EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL, not both" in both.stderr


def test_api_tokens_live_api_token_ttl_days():
    env = {**PROD_ENV, "DATABASE_URL": "sqlite:///tmp-unused.sqlite3"}
    assert setting_printed("s.API_TOKEN_TTL_DAYS", env).stdout.strip() == "14"
    assert (
        setting_printed("s.API_TOKEN_TTL_DAYS", {**env, "API_TOKEN_TTL_DAYS": "3"}).stdout == "3\n"
    )
    for bad in ("0", "two weeks"):
        broken = setting_printed("1", {**env, "API_TOKEN_TTL_DAYS": bad})
        assert broken.returncode != 0 and "API_TOKEN_TTL_DAYS" in broken.stderr, bad
