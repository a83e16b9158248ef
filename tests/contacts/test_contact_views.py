"""The customer-facing links: sign-up by invitation, activation, expired and used links, fresh link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from contacts import selectors
from contacts.models import ContactState
from tests.contacts.factories import ActiveContactFactory, InactiveContactFactory, NotRegisteredContactFactory

pytestmark = pytest.mark.django_db

PASSWORD = "un mot de passe assez long"


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def same_page(first: bytes, first_email: str, second: bytes, second_email: str) -> bool:
    def normalised(content: bytes, email: str) -> str:
        text = content.decode().replace(email, "EMAIL")
        return re.sub(r'name="csrf[-a-z]*token" (value|content)="[^"]+"', "", text)

    return normalised(first, first_email) == normalised(second, second_email)


def test_get_never_consumes_the_invitation(client):
    contact = NotRegisteredContactFactory()
    url = path_of(selectors.contact_invitation_url(contact=contact))
    for _ in range(3):  # mail scanners, previews, the person
        response = client.get(url)
        assert response.status_code == 200
        assert contact.email in response.content.decode()
    contact.refresh_from_db()
    assert contact.state == ContactState.NOT_REGISTERED


def test_sign_up_creates_the_login_and_sends_activation(client, outbox, django_capture_on_commit_callbacks):
    contact = NotRegisteredContactFactory()
    url = path_of(selectors.contact_invitation_url(contact=contact))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/contacts/invitation/done/"
    contact.refresh_from_db()
    assert contact.state == ContactState.INACTIVE and contact.check_password(PASSWORD)
    assert "/contacts/activation/" in outbox[-1].body
    # Used: the same link now shows the "no longer works" page.
    again = client.get(url)
    assert again.status_code == 410
    assert b'name="email"' in again.content


def test_sign_up_errors_next_to_the_fields_and_nothing_saved(client):
    contact = NotRegisteredContactFactory()
    url = path_of(selectors.contact_invitation_url(contact=contact))
    response = client.post(url, {"password1": PASSWORD, "password2": "autre chose encore"})
    assert response.status_code == 200
    assert "field--invalid" in response.content.decode()
    response = client.post(url, {"password1": "123", "password2": "123"})
    assert response.status_code == 200 and "field--invalid" in response.content.decode()
    contact.refresh_from_db()
    assert contact.state == ContactState.NOT_REGISTERED


def test_expired_link_offers_a_fresh_one(client, settings):
    settings.CONTACT_INVITATION_HOURS = 12
    contact = NotRegisteredContactFactory(link_issued_at=timezone.now() - timedelta(hours=13))
    response = client.get(path_of(selectors.contact_invitation_url(contact=contact)))
    assert response.status_code == 410
    assert b"/contacts/link/new/" in response.content


def test_tampered_link(client):
    contact = NotRegisteredContactFactory()
    response = client.get(f"/contacts/invitation/{'x' * 3}/abc-def/")
    assert response.status_code == 410
    url = path_of(selectors.contact_invitation_url(contact=contact))
    assert client.get(url[:-3] + "00/").status_code == 410


def test_fresh_link_request_does_not_reveal_existence(client, outbox, django_capture_on_commit_callbacks):
    NotRegisteredContactFactory(email="known@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/contacts/link/new/", {"email": "known@example.fr"})
        unknown = client.post("/contacts/link/new/", {"email": "unknown@example.fr"})
    assert known.status_code == unknown.status_code == 200
    assert same_page(known.content, "known@example.fr", unknown.content, "unknown@example.fr")
    assert [message.to for message in outbox] == [["known@example.fr"]]


def test_activation_get_shows_button_post_activates(client, outbox, django_capture_on_commit_callbacks):
    contact = InactiveContactFactory()
    url = path_of(selectors.contact_activation_url(contact=contact))
    assert client.get(url).status_code == 200
    contact.refresh_from_db()
    assert contact.state == ContactState.INACTIVE
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    contact.refresh_from_db()
    assert contact.state == ContactState.ACTIVE
    assert client.post(url).status_code == 410


@pytest.mark.parametrize("factory", [NotRegisteredContactFactory, InactiveContactFactory])
def test_contacts_not_active_cannot_sign_in(client, factory):
    contact = factory()
    contact.set_password(PASSWORD)
    contact.save(update_fields=["password"])
    response = client.post("/accounts/login/", {"login": contact.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


def test_active_contact_signs_in_and_session_is_recorded(client):
    from contacts.models import UserSession

    contact = ActiveContactFactory()
    contact.set_password(PASSWORD)
    contact.save(update_fields=["password"])
    client.post("/accounts/login/", {"login": contact.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(contact.pk)
    assert UserSession.objects.filter(user=contact, session_key=client.session.session_key).exists()
