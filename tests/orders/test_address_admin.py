"""Staff keep the address book and the booksellers in admin with the kernel's address rules: each
refusal next to its field, the address kept normalized, the full country list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.models import Address, Bookseller
from tests.orders.factories import AddressFactory, BooksellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _form_data(address: Address, **changes) -> dict:
    data = {"account": address.account_id, **address.address_values(), "use_count": address.use_count}
    data.update({"last_used_at_0": "", "last_used_at_1": "", "created_at_0": "2026-01-05", "created_at_1": "10:00"})
    return {**data, **changes}


def test_an_address_book_entry_is_refused_field_by_field_and_nothing_changes(staff_client):
    address = AddressFactory()
    url = reverse("admin:orders_address_change", args=[address.pk])
    response = staff_client.post(url, _form_data(address, postcode="5900", company="", cedex="CEDEX", country="BE"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"last_name", "cedex"}  # a Belgian postcode is not checked as French
    address.refresh_from_db()
    assert (address.postcode, address.country) == ("59100", "FR")


def test_an_address_book_entry_is_kept_normalized(staff_client):
    address = AddressFactory()
    url = reverse("admin:orders_address_change", args=[address.pk])
    response = staff_client.post(url, _form_data(address, postcode="59 100", cedex="cedex 3"))
    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.postcode, address.cedex) == ("59100", "CEDEX 3")


def test_a_bookseller_needs_a_whole_address(staff_client):
    bookseller = BooksellerFactory()
    page = staff_client.get(reverse("admin:orders_bookseller_change", args=[bookseller.pk]))
    assert [code for code, _name in page.context["adminform"].form.fields["country"].choices][:5] == [
        "FR",
        "BE",
        "CH",
        "LU",
        "MC",
    ]
    data = {"name": bookseller.name, "network_code": bookseller.network_code, **bookseller.address_values()}
    response = staff_client.post(
        reverse("admin:orders_bookseller_change", args=[bookseller.pk]), {**data, "city": "", "postcode": "96000"}
    )
    assert set(response.context["adminform"].form.errors) == {"city", "postcode"}
    assert Bookseller.objects.get().city == "Lille"
