"""The contact list and its actions, driven through the admin's HTTP endpoints by a staff user."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from contacts.models import ContactState, User, UserSession
from tests.contacts.factories import (
    ActiveContactFactory,
    DeactivatedContactFactory,
    InactiveContactFactory,
    NotRegisteredContactFactory,
)
from tests.factories import AccountFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/contacts/user/"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client


def messages_of(response) -> str:
    return " | ".join(str(message) for message in get_messages(response.wsgi_request))


def test_list_columns_and_bounded_queries(staff_client, django_assert_max_num_queries):
    ActiveContactFactory(terms_accepted_at=timezone.now())
    with django_assert_max_num_queries(30) as few:
        staff_client.get(CHANGELIST)
    for _ in range(30):
        NotRegisteredContactFactory(invitation_sent_at=timezone.now(), account=AccountFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(CHANGELIST)
    text = response.content.decode()
    for column in (
        "column-contact_name",
        "column-email",
        "column-state_display",
        "column-invitation",
        "column-account",
        "column-terms_accepted_at",
    ):
        assert column in text
    assert "✉" in text


def test_filters_search_and_sorting(staff_client):
    invited = NotRegisteredContactFactory(email="invited@example.fr", invitation_sent_at=timezone.now())
    NotRegisteredContactFactory(email="quiet@example.fr")
    active = ActiveContactFactory(email="active@example.fr", account=AccountFactory(name="Éditions Zéphyr"))
    response = staff_client.get(CHANGELIST, {"invitation": "yes"})
    assert list(response.context["cl"].result_list) == [invited]
    response = staff_client.get(CHANGELIST, {"state__exact": "active", "kind": "customer"})
    assert list(response.context["cl"].result_list) == [active]
    response = staff_client.get(CHANGELIST, {"q": "Zéphyr"})
    assert list(response.context["cl"].result_list) == [active]
    for column in range(1, 7):
        assert staff_client.get(CHANGELIST, {"o": str(column)}).status_code == 200


def test_add_contact_then_review_and_send_invitation(staff_client, outbox, django_capture_on_commit_callbacks):
    account = AccountFactory()
    response = staff_client.post(
        "/admin/contacts/user/add/",
        {"email": "New@Example.fr", "first_name": "Nina", "last_name": "Roux", "account": account.pk, "language": "en"},
    )
    contact = User.objects.get(email="new@example.fr")
    assert response["Location"] == f"/admin/contacts/user/{contact.pk}/send-link/"
    assert contact.state == ContactState.NOT_REGISTERED and not contact.has_usable_password()
    review = staff_client.get(response["Location"])
    text = review.content.decode()
    assert "/contacts/invitation/" in text and "data-copy-target" in text
    assert "invites you" in text  # the English e-mail, the contact's language
    assert outbox == []
    link = review.context["link"]
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(response["Location"], {"_send": "1"})
    assert [message.to for message in outbox] == [["new@example.fr"]]
    assert link in outbox[0].body  # the link staff could copy is the one sent
    contact.refresh_from_db()
    assert contact.invitation_sent_at is not None


def test_add_refuses_a_duplicate_email(staff_client):
    ActiveContactFactory(email="ana@example.fr")
    response = staff_client.post(
        "/admin/contacts/user/add/", {"email": "ANA@example.fr ", "account": AccountFactory().pk, "language": "fr"}
    )
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="ana@example.fr").count() == 1


def test_send_activation_request_for_many_confirms_then_sends(staff_client, outbox, django_capture_on_commit_callbacks):
    waiting = [NotRegisteredContactFactory(), InactiveContactFactory()]
    active = ActiveContactFactory(first_name="Paul", last_name="Actif")
    ids = [str(contact.pk) for contact in [*waiting, active]]
    confirm = staff_client.post(CHANGELIST, {"action": "send_activation_request", "_selected_action": ids})
    assert confirm.status_code == 200 and outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST, {"action": "send_activation_request", "_selected_action": ids, "post": "yes"}
        )
    assert sorted(message.to[0] for message in outbox) == sorted(contact.email for contact in waiting)
    assert active.email in messages_of(response)


def test_action_refused_names_the_skipped_contacts(staff_client):
    inactive = InactiveContactFactory()
    active = ActiveContactFactory(first_name="Paul", last_name="Actif", email="paul@example.fr")
    response = staff_client.post(
        CHANGELIST, {"action": "activate_contacts", "_selected_action": [inactive.pk, active.pk]}
    )
    text = messages_of(response)
    assert "Paul Actif <paul@example.fr>" in text
    inactive.refresh_from_db()
    assert inactive.state == ContactState.ACTIVE


def test_deactivate_through_admin_ends_sessions(staff_client):
    contact = ActiveContactFactory()
    customer = Client()
    customer.force_login(contact)
    assert customer.get("/").status_code == 200
    staff_client.post(CHANGELIST, {"action": "deactivate_contacts", "_selected_action": [contact.pk]})
    contact.refresh_from_db()
    assert contact.state == ContactState.DEACTIVATED and not contact.is_active
    assert not UserSession.objects.filter(user=contact).exists()
    assert customer.get("/").status_code == 302
    staff_client.post(CHANGELIST, {"action": "reactivate_contacts", "_selected_action": [contact.pk]})
    contact.refresh_from_db()
    assert contact.state == ContactState.ACTIVE


def test_deactivate_refuses_other_states(staff_client):
    contacts = [NotRegisteredContactFactory(), InactiveContactFactory(), DeactivatedContactFactory()]
    response = staff_client.post(
        CHANGELIST, {"action": "deactivate_contacts", "_selected_action": [c.pk for c in contacts]}
    )
    text = messages_of(response)
    assert all(contact.email in text for contact in contacts)
    assert [User.objects.get(pk=c.pk).state for c in contacts] == [c.state for c in contacts]


def test_remove_identities_confirms_then_removes(staff_client):
    contact = ActiveContactFactory()
    confirm = staff_client.post(CHANGELIST, {"action": "remove_identities", "_selected_action": [contact.pk]})
    assert confirm.status_code == 200
    contact.refresh_from_db()
    assert contact.state == ContactState.ACTIVE
    staff_client.post(CHANGELIST, {"action": "remove_identities", "_selected_action": [contact.pk], "post": "yes"})
    contact.refresh_from_db()
    assert contact.state == ContactState.NOT_REGISTERED and not contact.has_usable_password()


def test_change_page_offers_only_the_actions_of_the_state(staff_client):
    contact = InactiveContactFactory()
    text = staff_client.get(f"/admin/contacts/user/{contact.pk}/change/").content.decode()
    assert 'value="activate_contacts"' in text and 'value="deactivate_contacts"' not in text
    assert f"/admin/contacts/user/{contact.pk}/send-link/" in text


def test_integration_link_page(staff_client, settings):
    settings.PORTAL_BASE_URL = "https://portail.imprimerie.fr"
    assert b"/admin/contacts/user/integration-link/" in staff_client.get(CHANGELIST).content
    response = staff_client.get("/admin/contacts/user/integration-link/")
    assert 'value="https://portail.imprimerie.fr/"' in response.content.decode()


def test_customers_cannot_reach_contact_admin(client):
    client.force_login(ActiveContactFactory())
    assert client.get(CHANGELIST).status_code == 302
