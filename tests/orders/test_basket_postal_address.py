"""The basket form takes a whole French postal address (delivery-point lines, CEDEX) or a foreign one
with its country from the full list, shows each refusal next to its field, and prints the destination
in the French order."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from orders.models import Address
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"company": "Le Turet", "line1": "1 rue Nationale", "postcode": "59000", "city": "Lille", "country": "FR"}


@pytest.fixture
def draft(account):
    return OrderFactory(account=account)


def _create(client, draft, data):
    return client.post(reverse("orders:basket_create", args=[draft.pk, "address"]), data)


def test_the_french_delivery_point_lines_are_kept_and_printed_in_order(customer_client, draft):
    _create(
        customer_client,
        draft,
        {
            **ADDRESS,
            "building": "Résidence du Parc",
            "locality": "Lieu-dit Le Moulin",
            "postcode": "59046",
            "cedex": "cedex 7",
        },
    )
    basket = draft.baskets.get()
    assert (basket.building, basket.locality, basket.cedex) == ("Résidence du Parc", "Lieu-dit Le Moulin", "CEDEX 7")
    assert basket.address_lines == ["Résidence du Parc", "1 rue Nationale", "Lieu-dit Le Moulin", "59046 Lille CEDEX 7"]
    assert Address.objects.get().cedex == "CEDEX 7"  # the address book keeps the whole address
    page = customer_client.get(reverse("orders:baskets", args=[draft.pk])).content.decode()
    assert page.index("Résidence du Parc") < page.index("1 rue Nationale") < page.index("59046 Lille CEDEX 7")


def test_a_country_of_the_full_list_is_accepted_and_printed_by_its_name(customer_client, draft):
    _create(customer_client, draft, {**ADDRESS, "country": "NO", "postcode": "0150", "city": "Oslo"})
    basket = draft.baskets.get()
    with translation.override("fr"):
        assert basket.address_lines[-1] == "Norvège"
    with translation.override("en"):
        assert basket.address_lines[-1] == "Norway"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**ADDRESS, "country": "BE", "postcode": "1000", "cedex": "CEDEX"}, "cedex"),
        ({**ADDRESS, "cedex": "bureau 4"}, "cedex"),
        ({**ADDRESS, "country": ""}, "country"),
    ],
)
def test_refusals_are_next_to_their_field_and_nothing_is_saved(customer_client, draft, data, field):
    response = _create(customer_client, draft, data)
    assert response.status_code == 200 and list(response.context["form"].errors) == [field]
    assert not draft.baskets.exists() and not Address.objects.exists()


def test_the_form_offers_every_country_france_first(customer_client, draft):
    response = customer_client.get(reverse("orders:basket_create", args=[draft.pk, "address"]))
    form = response.context["form"]
    codes = [code for code, _name in form.fields["country"].choices]
    assert codes[:5] == ["FR", "BE", "CH", "LU", "MC"] and len(codes) > 240
    assert form["country"].value() == "FR"
    assert 'autocomplete="country"' in response.content.decode()
