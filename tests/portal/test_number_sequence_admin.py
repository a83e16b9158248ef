"""Staff see the number sequences in the admin, read-only: a counter moves only when a number is taken."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import NumberSequence

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def counter():
    return NumberSequence.objects.create(name="invoice", year=2026, last_number=41)


def test_staff_see_each_counter_with_its_last_and_next_number(staff_client, counter):
    page = staff_client.get(reverse("admin:portal_numbersequence_changelist")).text
    assert "F2026-000041" in page and "F2026-000042" in page


def test_a_counter_cannot_be_added_changed_or_deleted(staff_client, counter):
    assert staff_client.get(reverse("admin:portal_numbersequence_add")).status_code == 403
    change = reverse("admin:portal_numbersequence_change", args=[counter.pk])
    page = staff_client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert staff_client.post(change, {"name": "invoice", "year": 2026, "last_number": 7}).status_code == 403
    delete = reverse("admin:portal_numbersequence_delete", args=[counter.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    counter.refresh_from_db()
    assert counter.last_number == 41


def test_customers_do_not_reach_the_counters(customer_client, counter):
    response = customer_client.get(reverse("admin:portal_numbersequence_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
