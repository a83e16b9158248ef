"""Sign-in and reset limits count by the real client behind the reverse proxy, and per e-mail.

Behind the proxy every request reaches gunicorn from the proxy's address (REMOTE_ADDR); the proxy
appends the client's address to X-Forwarded-For. With the proxy trusted (TRUSTED_PROXY_COUNT=1, the
production default) one attacker is limited without locking the other customers out; rotating
addresses does not escape the per-account limit; and without a trusted proxy (the embedded default)
a forged X-Forwarded-For is ignored.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"  # the reverse proxy, as gunicorn sees it
ATTACKER = "203.0.113.7"
CUSTOMER = "198.51.100.20"


def limit(action: str, per: str) -> int:
    """How many attempts the project's configured limit allows (e.g. 10 of "10/m/ip,5/5m/key")."""
    (rate,) = [rate for rate in parse_rates(django_settings.ACCOUNT_RATE_LIMITS[action]) if rate.per == per]
    return rate.amount


def behind_proxy(forwarded_for: str | None = None, *, remote_addr: str = PROXY) -> Client:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return Client(REMOTE_ADDR=remote_addr, headers=headers)


def sign_in(client: Client, email: str, password: str, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def refused_for_too_many_attempts(response) -> bool:
    if response.status_code == 429:
        return True
    form = response.context["form"]
    return any(error.code == "too_many_login_attempts" for error in form.non_field_errors().as_data())


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Every attempt hashes a password (unknown e-mails too); the limits do not depend on how.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def trusted_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None


def test_attacker_behind_the_proxy_is_limited_and_another_customer_still_signs_in(trusted_proxy):
    customer = UserFactory(email="ana@editions.fr")
    attacker = behind_proxy(ATTACKER)
    # A different target e-mail each time: only the per-address limit is at play.
    for n in range(limit("login_failed", "ip")):
        response = sign_in(attacker, f"target{n}@editions.fr", "wrong-password")
        assert not refused_for_too_many_attempts(response), n
    assert refused_for_too_many_attempts(sign_in(attacker, "another@editions.fr", "wrong-password"))

    response = sign_in(behind_proxy(CUSTOMER), "ana@editions.fr", PASSWORD)
    assert response.status_code == 302
    assert response.wsgi_request.user == customer


def test_forged_entries_before_the_proxys_own_do_not_escape_the_limit(trusted_proxy):
    # nginx appends the address it saw to whatever the client sent: the last entry is the truth.
    for n in range(limit("login_failed", "ip")):
        sign_in(behind_proxy(f"192.0.2.{n}, {ATTACKER}"), f"target{n}@editions.fr", "wrong-password")
    response = sign_in(behind_proxy(f"192.0.2.200, {ATTACKER}"), "another@editions.fr", "wrong-password")
    assert refused_for_too_many_attempts(response)
    # Nor is a customer judged by what stands before the proxy's entry (here the attacker's address).
    customer = UserFactory(email="ana@editions.fr")
    response = sign_in(behind_proxy(f"{ATTACKER}, {CUSTOMER}"), "ana@editions.fr", PASSWORD)
    assert response.wsgi_request.user == customer


def test_with_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    customer = UserFactory(email="ana@editions.fr")
    # CDN, then nginx: "<client's own writing>, <client seen by the CDN>, <CDN seen by nginx>".
    for n in range(limit("login_failed", "ip")):
        sign_in(behind_proxy(f"192.0.2.{n}, {ATTACKER}, 10.0.0.1"), f"target{n}@editions.fr", "wrong-password")
    assert refused_for_too_many_attempts(sign_in(behind_proxy(f"{ATTACKER}, 10.0.0.1"), "x@editions.fr", "wrong"))
    response = sign_in(behind_proxy(f"{ATTACKER}, {CUSTOMER}, 10.0.0.1"), "ana@editions.fr", PASSWORD)
    assert response.wsgi_request.user == customer
    # Straight to nginx, skipping the CDN: one entry only, refused rather than a server error.
    response = sign_in(behind_proxy(CUSTOMER), "ana@editions.fr", PASSWORD)
    assert response.status_code == 403


def test_rotating_addresses_does_not_escape_the_per_account_limit(trusted_proxy):
    UserFactory(email="ana@editions.fr")
    other = UserFactory(email="zoe@editions.fr")
    for n in range(limit("login_failed", "key")):
        response = sign_in(behind_proxy(f"203.0.113.{n + 10}"), "Ana@Editions.fr", "wrong-password")
        assert not refused_for_too_many_attempts(response), n
    # From yet another address, even the right password is refused while the account's limit holds.
    response = sign_in(behind_proxy("203.0.113.250"), "ana@editions.fr", PASSWORD)
    assert refused_for_too_many_attempts(response)
    assert not response.wsgi_request.user.is_authenticated
    # The other accounts are untouched.
    response = sign_in(behind_proxy(CUSTOMER), "zoe@editions.fr", PASSWORD)
    assert response.wsgi_request.user == other


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0  # the embedded default
    assert settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER is None
    customer = UserFactory(email="ana@editions.fr")
    # The attacker connects directly and forges a new X-Forwarded-For each time: the limit counts
    # REMOTE_ADDR.
    for n in range(limit("login_failed", "ip")):
        sign_in(behind_proxy(f"192.0.2.{n}", remote_addr=ATTACKER), f"target{n}@editions.fr", "wrong-password")
    response = sign_in(behind_proxy("192.0.2.200", remote_addr=ATTACKER), "another@editions.fr", "wrong-password")
    assert refused_for_too_many_attempts(response)

    response = sign_in(behind_proxy(remote_addr=CUSTOMER), "ana@editions.fr", PASSWORD)
    assert response.wsgi_request.user == customer


def test_a_client_ip_header_set_by_the_proxy_is_used_instead(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    customer = UserFactory(email="ana@editions.fr")
    attacker = Client(REMOTE_ADDR=PROXY, headers={"X-Real-IP": ATTACKER})
    for n in range(limit("login_failed", "ip")):
        sign_in(attacker, f"target{n}@editions.fr", "wrong-password")
    assert refused_for_too_many_attempts(sign_in(attacker, "another@editions.fr", "wrong-password"))

    response = sign_in(Client(REMOTE_ADDR=PROXY, headers={"X-Real-IP": CUSTOMER}), "ana@editions.fr", PASSWORD)
    assert response.wsgi_request.user == customer
    # A request that did not come through the proxy, without the header, is refused.
    response = sign_in(Client(REMOTE_ADDR=CUSTOMER), "ana@editions.fr", PASSWORD)
    assert response.status_code == 403
    assert not response.wsgi_request.user.is_authenticated


def request_reset(client: Client, email: str, capture):
    with capture(execute=True):
        return client.post(reverse("account_reset_password"), {"email": email})


def test_password_reset_is_limited_per_client_behind_the_proxy(trusted_proxy, django_capture_on_commit_callbacks):
    UserFactory(email="ana@editions.fr")
    attacker = behind_proxy(ATTACKER)
    for n in range(limit("reset_password", "ip")):
        response = request_reset(attacker, f"target{n}@editions.fr", django_capture_on_commit_callbacks)
        assert response.status_code == 302, n
    assert request_reset(attacker, "another@editions.fr", django_capture_on_commit_callbacks).status_code == 429

    mail.outbox.clear()
    response = request_reset(behind_proxy(CUSTOMER), "ana@editions.fr", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["ana@editions.fr"]]


def test_password_reset_is_limited_per_address_whatever_the_client(trusted_proxy, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    UserFactory(email="ana@editions.fr")
    mail.outbox.clear()
    allowed = limit("reset_password", "key")
    for n in range(allowed):
        response = request_reset(behind_proxy(f"203.0.113.{n + 10}"), "ana@editions.fr", capture)
        assert response.status_code == 302, n
    response = request_reset(behind_proxy("203.0.113.250"), "ANA@editions.fr", capture)
    assert response.status_code == 429
    assert len(mail.outbox) == allowed


def read_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "from django.conf import settings; "
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    )
    names = ("COLOPHON_ENV", "TRUSTED_PROXY_COUNT", "TRUSTED_CLIENT_IP_HEADER", "DJANGO_DEBUG")
    clean = {k: v for k, v in os.environ.items() if k not in names}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION_ENV = {
    "COLOPHON_ENV": "production",
    "SECRET_KEY": "x" * 40 + "-production-secret-key-for-tests-only",
    "DATABASE_URL": "postgres://colophon:secret@db.internal:5432/colophon",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "ALLOWED_HOSTS": "portal.example.org",
}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "0 None"),
        ({"TRUSTED_PROXY_COUNT": "2", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, "2 X-Real-IP"),
        (PRODUCTION_ENV, "1 None"),
        ({**PRODUCTION_ENV, "TRUSTED_CLIENT_IP_HEADER": "CF-Connecting-IP"}, "1 CF-Connecting-IP"),
    ],
    ids=["embedded-trusts-remote-addr", "from-the-environment", "production-trusts-one-proxy", "production-header"],
)
def test_proxy_settings_are_read_from_the_environment(env, expected):
    result = read_settings(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_a_negative_proxy_count_is_refused():
    result = read_settings({"TRUSTED_PROXY_COUNT": "-1"})
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr
