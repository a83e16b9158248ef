"""docker-compose.yml: the portal's services share no disk (every file a worker reads comes from storage)."""

import re
from pathlib import Path

COMPOSE = (Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text()


def service_block(name: str) -> str:
    match = re.search(rf"^  {name}:\n((?:    .*\n|\n)*)", COMPOSE, re.MULTILINE)
    assert match, name
    return match[1]


def test_no_volume_is_mounted_into_web_or_the_workers():
    for name in ("web", "worker-emails", "worker-imports", "worker-preflight", "beat", "migrate"):
        assert "volumes:" not in service_block(name), name
    assert "uploads-tmp" not in COMPOSE
