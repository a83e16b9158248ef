"""App passwords: shown once, stored hashed, revocable, last use kept; the main password never opens WebDAV."""

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from drive import app_passwords
from drive.models import AppPassword
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = UserFactory(account=AccountFactory(), password="mot-de-passe-principal")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def test_the_secret_is_stored_hashed_and_signs_in(member):
    created, secret = app_passwords.app_password_create(user=member, name="Portable")
    assert secret not in created.password and check_password(secret, created.password)
    assert len(secret) == 29 and secret.count("-") == 4
    assert app_passwords.authenticate_app_password(email=member.email.upper(), secret=secret) == member
    created.refresh_from_db()
    assert created.last_used_at is not None


def test_the_main_password_and_a_wrong_secret_are_refused(member):
    app_passwords.app_password_create(user=member, name="Portable")
    assert app_passwords.authenticate_app_password(email=member.email, secret="mot-de-passe-principal") is None
    assert app_passwords.authenticate_app_password(email=member.email, secret="aaaaa-bbbbb-ccccc-ddddd-eeeee") is None


def test_a_revoked_password_no_longer_signs_in(member):
    created, secret = app_passwords.app_password_create(user=member, name="Portable")
    app_passwords.app_password_revoke(app_password=created)
    assert app_passwords.authenticate_app_password(email=member.email, secret=secret) is None


def test_a_deactivated_user_is_refused(member):
    _created, secret = app_passwords.app_password_create(user=member, name="Portable")
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert app_passwords.authenticate_app_password(email=member.email, secret=secret) is None


def test_failed_sign_ins_are_rate_limited(member, settings):
    settings.DAV_FAILED_SIGN_INS_LIMIT = 3
    _created, secret = app_passwords.app_password_create(user=member, name="Portable")
    for _attempt in range(3):
        assert app_passwords.authenticate_app_password(email=member.email, secret="faux", client_ip="10.0.0.9") is None
    # Even the right secret waits for the window to pass, from that address and for that e-mail.
    assert app_passwords.authenticate_app_password(email=member.email, secret=secret, client_ip="10.0.0.8") is None
    assert app_passwords.is_locked_out(email="autre@example.org", client_ip="10.0.0.9")


def test_the_page_shows_the_secret_once_with_the_connection_values(client, member):
    response = client.post(reverse("drive:app_passwords"), {"name": "Téléphone de Claire"})
    page = response.content.decode()
    created = AppPassword.objects.get(user=member)
    secret_field = 'id="drive-secret" type="text" value="'
    assert secret_field in page and "it will not be shown again" in page
    secret = page.split(secret_field)[1].split('"')[0]
    assert check_password(secret, created.password)
    assert "http://testserver/dav/" in page and member.email in page
    assert response["Cache-Control"] == "private, no-store"
    page = client.get(reverse("drive:app_passwords")).content.decode()
    assert "Téléphone de Claire" in page and secret not in page and "Never" in page


def test_a_name_is_required(client, member):
    response = client.post(reverse("drive:app_passwords"), {"name": "  "})
    assert response.status_code == 400 and not AppPassword.objects.exists()


def test_revoke_asks_then_revokes_and_only_for_the_owner(client, member):
    created, _secret = app_passwords.app_password_create(user=member, name="Portable")
    colleague = UserFactory(account=member.account)
    client.force_login(colleague)
    assert client.post(reverse("drive:app_password_revoke", args=[created.pk])).status_code == 404
    client.force_login(member)
    assert "Continue?" in client.get(reverse("drive:app_password_revoke", args=[created.pk])).content.decode()
    assert client.post(reverse("drive:app_password_revoke", args=[created.pk])).status_code == 302
    created.refresh_from_db()
    assert created.revoked_at is not None


def test_a_remembered_sign_in_still_follows_revocation(member):
    created, secret = app_passwords.app_password_create(user=member, name="Portable")
    assert app_passwords.authenticate_app_password(email=member.email, secret=secret) == member
    assert app_passwords.authenticate_app_password(email=member.email, secret=secret) == member
    app_passwords.app_password_revoke(app_password=created)
    assert app_passwords.authenticate_app_password(email=member.email, secret=secret) is None
