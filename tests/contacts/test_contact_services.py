"""Services of the contact lifecycle: state rules, links, e-mails in the contact's language, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from contacts import selectors, services
from contacts.models import ContactState, IllegalTransition, User, UserSession
from contacts.tokens import activation_token, invitation_token
from portal.audit import audit_entries_of
from tests.contacts.factories import (
    ActiveContactFactory,
    DeactivatedContactFactory,
    InactiveContactFactory,
    NotRegisteredContactFactory,
)
from tests.factories import AccountFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def token_from(body: str, marker: str) -> tuple[str, str]:
    line = next(line for line in body.splitlines() if marker in line)
    uid, token = line.rstrip("/").split("/")[-2:]
    return uid, token


def test_contact_create_is_not_registered_without_password_and_logged(outbox):
    staff = StaffUserFactory()
    contact = services.contact_create(
        email=" Ana@Example.FR ", account=AccountFactory(), first_name="Ana", language="en", created_by=staff
    )
    assert contact.email == "ana@example.fr"
    assert contact.state == ContactState.NOT_REGISTERED and contact.is_active is False
    assert not contact.has_usable_password()
    assert contact.link_issued_at is not None and contact.invitation_sent_at is None
    assert outbox == []  # staff review the message before it goes
    (entry,) = audit_entries_of(contact)
    assert (entry.action, entry.actor, entry.account_id) == ("created", staff, contact.account_id)


def test_invitation_in_contacts_language_with_working_link(outbox, django_capture_on_commit_callbacks, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.fr"
    contact = NotRegisteredContactFactory(language="en", first_name="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_invite(contact=contact, sent_by=StaffUserFactory())
    contact.refresh_from_db()
    assert contact.invitation_sent_at is not None
    [message] = outbox
    assert message.to == [contact.email]
    assert message.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    assert "invites you" in message.subject
    assert "Hello Ana" in message.body and "12 hours" in message.body
    assert message.alternatives and "https://portal.example.fr/contacts/invitation/" in message.alternatives[0][0]
    _uid, token = token_from(message.body, "/contacts/invitation/")
    assert invitation_token.check_token(contact, token)


def test_invitation_in_french_by_default(outbox, django_capture_on_commit_callbacks):
    contact = NotRegisteredContactFactory(language="fr", first_name="Léa")
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_invite(contact=contact)
    assert "Bonjour Léa" in outbox[0].body


def test_resending_voids_the_previous_link(django_capture_on_commit_callbacks):
    contact = NotRegisteredContactFactory(link_issued_at=timezone.now() - timedelta(minutes=5))
    old = invitation_token.make_token(contact)
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_send_activation(contact=contact)
    contact.refresh_from_db()
    assert not invitation_token.check_token(contact, old)
    assert invitation_token.check_token(contact, invitation_token.make_token(contact))


def test_sending_without_reissue_keeps_the_reviewed_link(django_capture_on_commit_callbacks, outbox):
    contact = NotRegisteredContactFactory()
    reviewed = selectors.contact_invitation_url(contact=contact)
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_send_activation(contact=contact, reissue=False)
    assert reviewed in outbox[0].body


def test_link_expires_after_the_configured_hours(settings):
    settings.CONTACT_INVITATION_HOURS = 2
    contact = NotRegisteredContactFactory(link_issued_at=timezone.now() - timedelta(hours=2, minutes=1))
    assert not invitation_token.check_token(contact, invitation_token.make_token(contact))
    contact.link_issued_at = timezone.now() - timedelta(hours=1, minutes=59)
    assert invitation_token.check_token(contact, invitation_token.make_token(contact))


def test_activation_request_for_inactive_contact(django_capture_on_commit_callbacks, outbox):
    contact = InactiveContactFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_send_activation(contact=contact)
    contact.refresh_from_db()
    assert "/contacts/activation/" in outbox[0].body
    assert contact.invitation_sent_at is None  # the flag is for the invitation
    _uid, token = token_from(outbox[0].body, "/contacts/activation/")
    assert activation_token.check_token(contact, token)


@pytest.mark.parametrize("factory", [ActiveContactFactory, DeactivatedContactFactory])
def test_no_link_for_registered_contacts(factory, outbox):
    with pytest.raises(IllegalTransition):
        services.contact_send_activation(contact=factory())
    assert outbox == []


def test_register_then_activate(django_capture_on_commit_callbacks, outbox):
    contact = NotRegisteredContactFactory()
    invitation = invitation_token.make_token(contact)
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_register(contact=contact, password="a long pass phrase", terms=None)
    contact.refresh_from_db()
    assert contact.state == ContactState.INACTIVE and not contact.is_active
    assert not invitation_token.check_token(contact, invitation)  # single use
    _uid, token = token_from(outbox[-1].body, "/contacts/activation/")
    assert activation_token.check_token(contact, token)
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_activate(contact=contact)
    contact.refresh_from_db()
    assert contact.state == ContactState.ACTIVE and contact.is_active
    assert not activation_token.check_token(contact, token)
    assert outbox[-1].subject.endswith("Votre compte est actif")  # French: the contact's language


def test_deactivation_ends_every_session_of_that_user_only(client):
    contact = ActiveContactFactory()
    other = ActiveContactFactory()
    client.force_login(contact)
    from django.test import Client

    second = Client()
    second.force_login(contact)
    third = Client()
    third.force_login(other)
    assert UserSession.objects.filter(user=contact).count() == 2
    services.contact_deactivate(contact=contact, deactivated_by=StaffUserFactory())
    contact.refresh_from_db()
    assert contact.state == ContactState.DEACTIVATED and not contact.is_active
    assert UserSession.objects.filter(user=contact).count() == 0
    assert Session.objects.count() == 1  # only the other user's session is left
    assert client.get("/").status_code == 302
    assert third.get("/").status_code == 200


def test_reactivate_and_remove_identities(client):
    contact = DeactivatedContactFactory()
    services.contact_reactivate(contact=contact)
    assert contact.state == ContactState.ACTIVE and contact.is_active
    client.force_login(contact)
    services.contact_remove_identities(contact=contact)
    contact.refresh_from_db()
    assert contact.state == ContactState.NOT_REGISTERED and not contact.has_usable_password()
    assert User.objects.filter(pk=contact.pk).exists()
    assert not UserSession.objects.filter(user=contact).exists()


@pytest.mark.parametrize(
    ("action", "by_kwarg"),
    [(services.contact_deactivate, "deactivated_by"), (services.contact_remove_identities, "removed_by")],
)
def test_nobody_deactivates_or_removes_their_own_login(action, by_kwarg):
    contact = ActiveContactFactory()
    with pytest.raises(IllegalTransition):
        action(contact=contact, **{by_kwarg: contact})
    contact.refresh_from_db()
    assert contact.state == ContactState.ACTIVE and contact.is_active
    result = services.contacts_bulk_apply(
        contacts=[contact], action=action, applies=lambda c: True, **{by_kwarg: contact}
    )
    assert result.skipped == [contact] and not result.done


def test_bulk_apply_reports_skipped_contacts():
    inactive, active = InactiveContactFactory(), ActiveContactFactory()
    result = services.contacts_bulk_apply(
        contacts=[inactive, active],
        action=services.contact_activate,
        applies=lambda contact: contact.state == ContactState.INACTIVE,
    )
    assert result.done == [inactive] and result.skipped == [active]


def test_fresh_link_request_only_for_waiting_contacts(django_capture_on_commit_callbacks, outbox):
    waiting = NotRegisteredContactFactory(email="wait@example.fr")
    ActiveContactFactory(email="active@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_request_fresh_link(email="WAIT@example.fr ")
        services.contact_request_fresh_link(email="active@example.fr")
        services.contact_request_fresh_link(email="nobody@example.fr")
    assert [message.to for message in outbox] == [[waiting.email]]
