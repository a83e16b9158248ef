import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Une-toute-nouvelle-phrase-2026"


def request_reset(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account_reset_password"), {"email": email})


def test_reset_link_arrives_by_email_and_sets_a_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="ana@editions.fr")
    request_reset(client, "ana@editions.fr", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link is single-use.
    again = client.get(path, follow=True)
    assert again.context["token_fail"]


def test_reset_for_an_unknown_email_reveals_nothing(client, django_capture_on_commit_callbacks):
    UserFactory(email="ana@editions.fr")
    known = request_reset(client, "ana@editions.fr", django_capture_on_commit_callbacks)
    unknown = request_reset(client, "nobody@editions.fr", django_capture_on_commit_callbacks)
    # The requester sees the same answer either way.
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert unknown["Location"] == reverse("account_reset_password_done")
    # No reset link ever goes to an address without an account.
    to_unknown = [m for m in mail.outbox if m.to == ["nobody@editions.fr"]]
    assert all("/accounts/password/reset/key/" not in m.body for m in to_unknown)


def test_reset_email_follows_the_language_of_the_request(client, django_capture_on_commit_callbacks):
    UserFactory(email="ana@editions.fr")
    client.cookies["django_language"] = "en"
    request_reset(client, "ana@editions.fr", django_capture_on_commit_callbacks)
    assert "Password Reset" in mail.outbox[0].subject
    mail.outbox.clear()
    client.cookies["django_language"] = "fr"
    request_reset(client, "ana@editions.fr", django_capture_on_commit_callbacks)
    assert "mot de passe" in mail.outbox[0].subject.lower()
