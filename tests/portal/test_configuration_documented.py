"""Every environment variable the settings read is documented for operators."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_variable_is_in_the_readme():
    settings_source = (ROOT / "portal" / "settings.py").read_text()
    names = set(re.findall(r'(?:env|env_bool|env_int|env_list|required)\("([A-Z_]+)"', settings_source))
    readme = (ROOT / "README.md").read_text()
    assert names, "no variable found: the pattern above no longer matches the settings"
    assert sorted(n for n in names if f"`{n}`" not in readme) == []


def test_env_example_holds_the_production_essentials():
    example = (ROOT / ".env.example").read_text()
    for name in (
        "COLOPHON_ENV",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "STORAGE_BACKEND",
        "AWS_STORAGE_BUCKET_NAME",
        "EMAIL_HOST",
        "POSTGRES_PASSWORD",
    ):
        assert re.search(rf"^#? ?{name}=", example, re.MULTILINE), name


def test_compose_runs_web_a_worker_per_queue_beat_and_the_services():
    compose = (ROOT / "docker-compose.yml").read_text()
    for service in ("web:", "worker-emails:", "worker-imports:", "worker-preflight:", "beat:", "db:", "redis:"):
        assert f"\n  {service}" in compose
    for queue in ("-Q emails", "-Q imports", "-Q preflight"):
        assert queue in compose
    assert compose.count("healthcheck:") >= 6
