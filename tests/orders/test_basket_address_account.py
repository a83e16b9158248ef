"""A basket's address-book entry is one of the order's account: the model refuses another account's entry
(so the admin, the only form that sets it freely, shows the refusal next to the field and saves nothing),
and the admin's address search for a basket offers the order's account's address book only."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from orders.models import ShippingBasket
from portal.admin_autocomplete import AUTOCOMPLETE_ACCOUNT_PARAM
from tests.factories import AccountFactory, OrderFactory
from tests.orders.factories import AddressFactory, BasketFactory

pytestmark = pytest.mark.django_db

REFUSAL_EN = "This address belongs to another account: choose one from the address book of “{account}”"
REFUSAL_FR = "Cette adresse appartient à un autre compte : choisissez-en une dans le carnet d’adresses de « {account} »"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def basket():
    return BasketFactory(order=OrderFactory(account=AccountFactory(name="Éditions du Nord")))


@pytest.fixture
def foreign_address():
    return AddressFactory(account=AccountFactory(name="Éditions du Sud"), company="Dépôt du Sud")


def field_error(response, name: str) -> str:
    """The error shown next to the admin form's field `name` (the list Django ties to the input)."""
    found = re.search(rf'<ul class="errorlist" id="id_{name}_error"><li>(.*?)</li>', response.content.decode())
    assert found, f"no error next to {name}"
    return html.unescape(found.group(1))


# The model --------------------------------------------------------------------------------------------------


def test_a_basket_with_another_accounts_address_is_refused_on_its_address_field(basket, foreign_address):
    basket.address = foreign_address

    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            basket.full_clean()

        assert list(refused.value.message_dict) == ["address"]
        assert REFUSAL_EN.format(account="Éditions du Nord") in refused.value.message_dict["address"][0]


def test_a_new_basket_with_another_accounts_address_is_refused(basket, foreign_address):
    new = ShippingBasket(order=basket.order, kind=ShippingBasket.Kind.ADDRESS, address=foreign_address, **_place())

    with pytest.raises(ValidationError) as refused:
        new.full_clean()

    assert list(refused.value.message_dict) == ["address"]


def test_a_basket_moved_to_another_accounts_order_keeping_its_address_is_refused(basket):
    basket.address = AddressFactory(account=basket.order.account)
    basket.save()
    basket = ShippingBasket.objects.get(pk=basket.pk)
    basket.order = OrderFactory(account=AccountFactory())

    with pytest.raises(ValidationError) as refused:
        basket.full_clean()

    assert list(refused.value.message_dict) == ["address"]


def test_a_basket_with_its_accounts_address_or_none_is_valid(basket):
    basket.full_clean()
    basket.address = AddressFactory(account=basket.order.account)
    basket.full_clean()


def test_a_basket_kept_as_saved_is_not_refused_for_an_address_moved_since_to_another_account(
    basket, customer_client, customer
):
    """The entry is history (the destination was copied in): moving it does not lock its baskets, and the
    customer's destination form, which has no address field, saves as before."""
    basket.order.account = customer.account
    basket.order.save()
    address = AddressFactory(account=customer.account)
    ShippingBasket.objects.filter(pk=basket.pk).update(address=address)
    address.account = AccountFactory()
    address.save()

    ShippingBasket.objects.get(pk=basket.pk).full_clean()
    fields = {name: getattr(basket, name) for name in ShippingBasket.ADDRESS_FIELDS}
    response = customer_client.post(reverse("orders:basket_edit", args=[basket.pk]), {**fields, "city": "Lomme"})

    assert response.status_code == 302
    basket.refresh_from_db()
    assert basket.city == "Lomme"
    assert basket.address.account_id == customer.account_id  # the form's own entry, recorded by basket_save


def _place() -> dict:
    return {"company": "Librairie", "line1": "1 rue Nationale", "postcode": "59000", "city": "Lille", "country": "FR"}


# The admin --------------------------------------------------------------------------------------------------


def basket_form_data(client, basket) -> dict:
    """The basket's change form as the admin renders it, with no line rows."""
    form = client.get(reverse("admin:orders_shippingbasket_change", args=[basket.pk])).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "id"}
    return {**data, "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"}


@pytest.mark.parametrize(("language", "refusal"), [("en", REFUSAL_EN), ("fr", REFUSAL_FR)], ids=["en", "fr"])
def test_admin_choosing_another_accounts_address_shows_the_refusal_next_to_it_and_saves_nothing(
    staff_client, basket, foreign_address, language, refusal
):
    url = reverse("admin:orders_shippingbasket_change", args=[basket.pk])
    data = {**basket_form_data(staff_client, basket), "address": foreign_address.pk, "city": "Lomme"}

    response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["address"]
    assert refusal.format(account="Éditions du Nord") in field_error(response, "address")
    basket.refresh_from_db()
    assert (basket.address_id, basket.city) == (None, "Lille")


def test_admin_adding_a_basket_with_another_accounts_address_is_refused(staff_client, basket, foreign_address):
    data = {
        "order": basket.order.pk,
        "kind": ShippingBasket.Kind.ADDRESS,
        "position": "1",
        "address": foreign_address.pk,
        **_place(),
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
    }

    response = staff_client.post(reverse("admin:orders_shippingbasket_add"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert REFUSAL_EN.format(account="Éditions du Nord") in field_error(response, "address")
    assert list(basket.order.baskets.all()) == [basket]


def test_admin_moving_a_basket_to_another_accounts_order_is_refused_on_its_address(staff_client, basket):
    ShippingBasket.objects.filter(pk=basket.pk).update(address=AddressFactory(account=basket.order.account))
    elsewhere = OrderFactory(account=AccountFactory(name="Éditions du Sud"))
    url = reverse("admin:orders_shippingbasket_change", args=[basket.pk])

    response = staff_client.post(
        url, {**basket_form_data(staff_client, basket), "order": elsewhere.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert REFUSAL_EN.format(account="Éditions du Sud") in field_error(response, "address")
    basket.refresh_from_db()
    assert basket.order_id != elsewhere.pk


def test_admin_saves_an_address_of_the_orders_account(staff_client, basket):
    own = AddressFactory(account=basket.order.account)
    url = reverse("admin:orders_shippingbasket_change", args=[basket.pk])

    response = staff_client.post(url, {**basket_form_data(staff_client, basket), "address": own.pk})

    assert response.status_code == 302
    basket.refresh_from_db()
    assert basket.address_id == own.pk


def test_the_basket_address_search_offers_the_orders_account_address_book_only(staff_client, basket, foreign_address):
    own = AddressFactory(account=basket.order.account, company="Dépôt du Nord")
    page = staff_client.get(reverse("admin:orders_shippingbasket_change", args=[basket.pk])).content.decode()
    search_url = f"{reverse('admin:autocomplete')}?{AUTOCOMPLETE_ACCOUNT_PARAM}={basket.order.account_id}"
    assert re.findall(r'data-ajax--url="([^"]*)"[^>]*data-field-name="address"', page) == [search_url]

    def search(query_string: str) -> set[str]:
        # The query string as select2 sends it: the widget's URL, then its own parameters after "&".
        params = "app_label=orders&model_name=shippingbasket&field_name=address&term=Dépôt"
        response = staff_client.get(f"{query_string}{'&' if '?' in query_string else '?'}{params}")
        return {result["text"] for result in response.json()["results"]}

    assert search(search_url) == {str(own)}
    assert search(reverse("admin:autocomplete")) == {str(own), str(foreign_address)}
