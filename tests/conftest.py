"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from tests.factories import AccountFactory, StaffUserFactory, UserFactory


def pytest_addoption(parser):
    parser.addoption(
        "--services",
        action="store_true",
        default=False,
        help="Run the tests marked 'services' (PostgreSQL, Redis, a real Celery worker).",
    )
    parser.addoption(
        "--slow",
        action="store_true",
        default=False,
        help="Run the tests marked 'slow' (also run with --services).",
    )


def pytest_collection_modifyitems(config, items):
    if not (config.getoption("--slow") or config.getoption("--services")):
        slow = pytest.mark.skip(reason="slow: run with --slow (or --services, as make test-services does)")
        for item in items:
            if "slow" in item.keywords:
                item.add_marker(slow)
    if config.getoption("--services"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL, Redis and a Celery worker: run `make test-services`")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _fast_passwords():
    """Every user the suite makes (factories, sign-ups, resets) is hashed with MD5, once for all.

    Django's default hasher costs about 0.3 s of CPU per password, which buys a test nothing;
    production keeps the default (PBKDF2). Session-wide, so session- and module-scoped fixtures
    and the live server of the browser tests get it too.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads and file-backed e-mails go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the project's default language: a test that activates English (or a view that
    activated it for a request) never leaves it active for the next test in the same process."""
    from django.utils import translation

    translation.activate(settings_language())
    yield
    translation.deactivate()


def settings_language() -> str:
    from django.conf import settings

    return settings.LANGUAGE_CODE


@pytest.fixture(autouse=True)
def _fresh_cache(settings, worker_id):
    """Rate limits and other cached state never leak from one test to the next.

    With Redis (make test-services), each xdist worker gets a database of its own, since clearing
    the cache empties the whole Redis database and would wipe a neighbour test's rate-limit counters.
    """
    from django.core.cache import cache

    from portal.cache import ResilientRedisCache

    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("RedisCache") and worker_id.startswith("gw"):
        base, _, _db = default["LOCATION"].rpartition("/")
        settings.CACHES = {"default": {**default, "LOCATION": f"{base}/{int(worker_id[2:]) + 1}"}}
    # A Redis found down by an earlier test (portal/cache.py stops asking for a few seconds, process-wide)
    # must not make this test's cache, and its rate limits, answer as empty.
    ResilientRedisCache._down_until = 0.0
    cache.clear()
    yield
    cache.clear()
    ResilientRedisCache._down_until = 0.0


@pytest.fixture
def account(db):
    return AccountFactory()


@pytest.fixture
def customer(account):
    return UserFactory(account=account)


@pytest.fixture
def staff_user(db):
    return StaffUserFactory()


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    return client


@pytest.fixture
def outbox():
    mail.outbox.clear()
    return mail.outbox


@pytest.fixture(scope="session")
def hostile_corpus_build(tmp_path_factory):
    """The hostile-PDF corpus (tests/hostile_pdfs.py), written once per test session (per xdist
    worker): (dict name -> HostileFile, CPU seconds the writing took)."""
    import time

    from tests.hostile_pdfs import build_corpus

    started = time.process_time()
    corpus = build_corpus(tmp_path_factory.mktemp("hostile-pdfs"))
    return {item.name: item for item in corpus}, time.process_time() - started


@pytest.fixture(scope="session")
def hostile_corpus(hostile_corpus_build):
    """The hostile-PDF corpus as a dict name -> HostileFile (see tests/hostile_pdfs.py)."""
    return hostile_corpus_build[0]
