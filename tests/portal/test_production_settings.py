"""Production is the same code configured by the environment; it refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "COLOPHON_ENV": "production",
    "SECRET_KEY": "x" * 40 + "-production-secret-key-for-tests-only",
    "DATABASE_URL": "postgres://colophon:secret@db.internal:5432/colophon",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "ALLOWED_HOSTS": "portal.example.org",
}


# Test-only variables of this process that a real deployment never has.
NOT_IN_PRODUCTION = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "STORAGE_BACKEND",
    "EMAIL_BACKEND",
    "DJANGO_DEBUG",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in NOT_IN_PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set when COLOPHON_ENV=production" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_deploy_checklist_reports_nothing_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_settings_take_services_from_the_environment():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
        "s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.STORAGES['default']['BACKEND'], "
        "s.SESSION_COOKIE_SECURE]))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in NOT_IN_PRODUCTION}
    env = {
        **clean,
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": "colophon-files",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    import json

    assert json.loads(result.stdout) == [
        False,
        "django.db.backends.postgresql",
        "portal.cache.ResilientRedisCache",
        "redis://redis.internal:6379/0",
        False,
        "django.core.mail.backends.smtp.EmailBackend",
        "storages.backends.s3.S3Storage",
        True,
    ]
