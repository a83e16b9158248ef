"""Playwright driving Debian's Chromium against the live test server (see shared TESTING.md)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

# pytest-django sets up the test database from an async-looking context under Playwright.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE_SOURCE = (Path(__file__).parent / "axe-4.14.1.min.js").read_text(encoding="utf-8")
# The sign-in field takes an e-mail or a UAI code ("Courriel ou code UAI"; English until translated).
LOGIN_LABEL = re.compile(r"^(Courriel|E-mail)")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason="Chromium is not installed: run `make system-packages`"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture(autouse=True)
def _browser_defaults(page, settings):
    page.set_default_timeout(15_000)
    # In-process tasks: e-mails sent by the live server land in django.core.mail.outbox.
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def login(live_server):
    """Sign in through the real form: ``login(page, email, password)``."""

    def _login(page, email: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label(LOGIN_LABEL).fill(email)
        page.get_by_label("Mot de passe").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Se connecter").click()

    return _login


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})"""
    )
    return result["violations"]


@pytest.fixture
def assert_no_axe_violations():
    def _check(page) -> None:
        violations = axe_violations(page)
        summary = [f"{v['id']}: {v['help']} → {[n['target'] for n in v['nodes']][:5]}" for v in violations]
        assert not violations, f"axe-core found violations on {page.url}:\n" + "\n".join(summary)

    return _check


@pytest.fixture
def screenshot(request):
    """``screenshot(page, "name")`` keeps a full-page PNG under test-artifacts/ to look at."""

    def _shot(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
