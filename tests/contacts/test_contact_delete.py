"""Deleting contacts takes their finished or unstarted orders; orders in progress refuse it all."""

from __future__ import annotations

import pytest

from contacts import services
from contacts.models import User
from orders.models import Order
from tests.contacts.factories import ActiveContactFactory
from tests.factories import OrderFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def order_for(contact, status, **kwargs):
    return OrderFactory(account=contact.account, created_by=contact, status=status, **kwargs)


def test_deletion_takes_draft_submitted_completed_and_cancelled_orders():
    contact, colleague = ActiveContactFactory(), ActiveContactFactory()
    for status in ("draft", "submitted", "completed", "cancelled"):
        order_for(contact, status)
    kept = OrderFactory(account=contact.account, created_by=colleague, status="draft")
    result = services.contact_delete(contacts=[contact], deleted_by=StaffUserFactory())
    assert (result.contacts, result.orders) == (1, 4)
    assert not User.objects.filter(pk=contact.pk).exists()
    assert list(Order.objects.all()) == [kept]


@pytest.mark.parametrize("status", ["accepted", "changes_requested", "in_production", "shipped", "ready_for_pickup"])
def test_an_order_in_progress_refuses_the_whole_deletion_and_is_named(status):
    first, second = ActiveContactFactory(), ActiveContactFactory()
    draft = order_for(first, "draft")
    blocking = order_for(second, status, name="Atlas des oiseaux", number="C-0042")
    with pytest.raises(services.ContactDeletionRefused) as refused:
        services.contact_delete(contacts=[first, second])
    assert refused.value.blocking_orders == [blocking]
    assert User.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert Order.objects.filter(pk=draft.pk).exists()


def test_admin_message_names_the_blocking_orders(client):
    staff = StaffUserFactory()
    contact = ActiveContactFactory()
    order_for(contact, "in_production", name="Atlas des oiseaux", number="C-0042")
    client.force_login(staff)
    response = client.post(f"/admin/contacts/user/{contact.pk}/delete/", {"post": "yes"}, follow=True)
    text = response.content.decode()
    assert "C-0042" in text and "Atlas des oiseaux" in text
    assert User.objects.filter(pk=contact.pk).exists()


def test_delete_view_confirms_then_deletes(client, django_assert_max_num_queries):
    staff = StaffUserFactory()
    contact = ActiveContactFactory()
    order_for(contact, "draft", name="Brouillon du printemps")
    client.force_login(staff)
    response = client.get(f"/admin/contacts/user/{contact.pk}/delete/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Brouillon du printemps" in text and contact.email in text
    assert User.objects.filter(pk=contact.pk).exists()  # GET deletes nothing
    response = client.post(f"/admin/contacts/user/{contact.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=contact.pk).exists()
    assert not Order.objects.exists()


def test_delete_action_replaces_the_default_and_handles_many(client, django_assert_max_num_queries):
    staff = StaffUserFactory()
    contacts = [ActiveContactFactory() for _ in range(3)]
    for contact in contacts:
        order_for(contact, "completed")
    client.force_login(staff)
    changelist = client.get("/admin/contacts/user/")
    assert b'value="delete_selected"' not in changelist.content
    assert b'value="delete_contacts"' in changelist.content
    ids = [str(contact.pk) for contact in contacts]
    with django_assert_max_num_queries(15):
        confirm = client.post("/admin/contacts/user/", {"action": "delete_contacts", "_selected_action": ids})
    assert confirm.status_code == 200
    assert all(contact.email.encode() in confirm.content for contact in contacts)
    assert User.objects.filter(pk__in=ids).count() == 3
    client.post("/admin/contacts/user/", {"action": "delete_contacts", "_selected_action": ids, "post": "yes"})
    assert not User.objects.filter(pk__in=ids).exists()
    assert not Order.objects.exists()
