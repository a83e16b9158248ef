"""The rules of a basket's destination live in orders.services: every caller of basket_save is held to them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from orders import services
from orders.models import Address, ShippingBasket
from tests.factories import OrderFactory
from tests.library.factories import ProductFactory
from tests.orders.factories import BasketFactory, BooksellerFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"company": "Le Turet", "line1": "1 rue Nationale", "postcode": "59000", "city": "Lille", "country": "FR"}
PICKUP = {"pickup_name": "Camille", "phone": "03 20 00 00 00"}


@pytest.fixture
def draft(account):
    return OrderFactory(account=account)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refused(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        services.basket_save(**kwargs)
    return error.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({**ADDRESS, "company": "", "last_name": " "}, "last_name", "Give a company name or a last name."),
        ({**ADDRESS, "postcode": "5900"}, "postcode", "A French postcode has 5 digits, e.g. 59100."),
        ({**ADDRESS, "postcode": "5900", "country": ""}, "postcode", "A French postcode has 5 digits, e.g. 59100."),
        ({**ADDRESS, "line1": ""}, "line1", "This field is required."),
        ({**ADDRESS, "postcode": "  "}, "postcode", "This field is required."),
        ({**ADDRESS, "city": ""}, "city", "This field is required."),
    ],
)
def test_an_address_basket_breaking_a_rule_is_refused_and_nothing_is_saved(draft, fields, field, message):
    assert refused(order=draft, kind="address", fields=fields) == {field: [message]}
    assert not ShippingBasket.objects.exists()
    assert not Address.objects.exists()


def test_every_broken_rule_is_reported_by_field(draft):
    errors = refused(order=draft, kind="address", fields={"country": "FR", "postcode": "ABC"})
    assert set(errors) == {"line1", "city", "last_name", "postcode"}


def test_a_french_postcode_is_kept_without_spaces_and_a_foreign_one_as_typed(draft):
    basket = services.basket_save(order=draft, kind="address", fields={**ADDRESS, "postcode": " 59 100 "})
    assert basket.postcode == "59100" and basket.address.postcode == "59100"
    basket = services.basket_save(order=draft, kind="address", fields={**ADDRESS, "country": "BE", "postcode": "1000"})
    assert (basket.postcode, basket.country) == ("1000", "BE")


def test_a_last_name_without_company_is_enough(draft):
    basket = services.basket_save(order=draft, kind="address", fields={**ADDRESS, "company": "", "last_name": "Turet"})
    assert basket.pk and basket.last_name == "Turet"


@pytest.mark.parametrize("bookseller", [None, "inactive"])
def test_a_bookseller_basket_needs_a_bookseller_of_the_directory(draft, bookseller):
    if bookseller == "inactive":
        bookseller = BooksellerFactory(is_active=False)
    errors = refused(order=draft, kind="bookseller", fields={"bookseller": bookseller})
    assert errors == {"bookseller": ["Choose a bookseller in the directory."]}
    assert not ShippingBasket.objects.exists()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({**PICKUP, "pickup_name": " "}, {"pickup_name": ["This field is required."]}),
        ({**PICKUP, "phone": "03 20"}, {"phone": ["Enter a phone number we can call."]}),
        ({**PICKUP, "phone": "03 20", "email": "camille@example.fr"}, {"phone": ["Enter a phone number we can call."]}),
        ({"pickup_name": "Camille"}, {"phone": ["Enter a phone number we can call."]}),
    ],
)
def test_a_pickup_basket_breaking_a_rule_is_refused_and_nothing_is_saved(draft, fields, expected):
    assert refused(order=draft, kind="pickup", fields=fields) == expected
    assert not ShippingBasket.objects.exists()


def test_a_pickup_reachable_by_e_mail_only_is_accepted_and_keeps_the_address(draft):
    basket = services.basket_save(
        order=draft, kind="pickup", fields={"pickup_name": "Camille", "email": "camille@example.fr"}
    )
    basket.refresh_from_db()
    assert (basket.pickup_name, basket.phone, basket.email) == ("Camille", "", "camille@example.fr")


def test_a_refused_change_leaves_the_basket_as_it_was(draft):
    basket = BasketFactory(order=draft, company="Le Turet")
    refused(order=draft, kind="pickup", fields={"pickup_name": "Camille", "phone": "?"}, basket=basket)
    basket.refresh_from_db()
    assert (basket.kind, basket.company) == ("address", "Le Turet")


def test_the_messages_follow_the_active_language(draft):
    with translation.override("fr"):
        errors = refused(order=draft, kind="address", fields={**ADDRESS, "company": ""})
    assert errors == {"last_name": ["Indiquez un nom de société ou un nom de famille."]}


def test_destination_errors_can_be_asked_without_saving():
    assert services.basket_destination_errors(kind="address", fields=ADDRESS) == {}
    assert services.basket_destination_errors(kind="pickup", fields=PICKUP) == {}
    assert set(services.basket_destination_errors(kind="pickup", fields={})) == {"pickup_name", "phone"}


@pytest.mark.parametrize(
    ("kind", "data", "field", "message"),
    [
        ("address", {**ADDRESS, "company": ""}, "last_name", "Indiquez un nom de société ou un nom de famille."),
        ("address", {**ADDRESS, "postcode": "5900"}, "postcode", "Un code postal français compte 5 chiffres"),
        ("pickup", {"pickup_name": "Camille", "phone": "0320"}, "phone", "Indiquez un numéro de téléphone"),
    ],
)
def test_the_form_shows_the_service_message_next_to_its_field(customer_client, draft, kind, data, field, message):
    response = customer_client.post(reverse("orders:basket_create", args=[draft.pk, kind]), data)
    assert response.status_code == 200
    html = response.content.decode()
    form = response.context["form"]
    assert list(form.errors) == [field] and message in form.errors[field][0]
    # The message is rendered inside the field's own block, after its input.
    block = html.split(f'id="{form[field].auto_id}"', 1)[1].split("<label", 1)[0]
    assert "field__errors" in block and message in block
    assert not ShippingBasket.objects.exists()


class TestBasketsAdd:
    """The bulk helper (copying a quote's baskets) applies the same rules, in a bounded number of queries."""

    def test_adds_baskets_and_lines_in_a_fixed_number_of_queries(self, draft, django_assert_num_queries):
        products = [ProductFactory(account=draft.account) for _ in range(3)]
        bookseller = BooksellerFactory()

        def new_baskets(count):
            kinds = [
                services.NewBasket(kind="address", fields=ADDRESS, quantities={p.pk: 5 for p in products}),
                services.NewBasket(
                    kind="bookseller", fields={"bookseller": bookseller}, quantities={products[0].pk: 2}
                ),
                services.NewBasket(kind="pickup", fields=PICKUP),
            ]
            return kinds[:count]

        # Savepoint and release, the products' check, the last position, the baskets, the lines, the draft's date,
        # the audit row (8); the search documents of the order, its baskets and its products, 4 queries each (12).
        with django_assert_num_queries(20) as one:
            services.baskets_add(order=draft, baskets=new_baskets(1))
        with django_assert_num_queries(len(one.captured_queries)):
            created = services.baskets_add(order=draft, baskets=new_baskets(3))
        assert [(b.kind, b.position) for b in created] == [("address", 2), ("bookseller", 3), ("pickup", 4)]
        assert [(line.product_id, line.quantity) for line in created[0].lines.order_by("id")] == [
            (p.pk, 5) for p in products
        ]
        assert created[1].lines.get().quantity == 2 and not created[2].lines.exists()
        assert created[0].address is None and not Address.objects.exists()

    def test_one_refused_destination_saves_nothing(self, draft):
        product = ProductFactory(account=draft.account)
        with pytest.raises(ValidationError) as error:
            services.baskets_add(
                order=draft,
                baskets=[
                    services.NewBasket(kind="address", fields=ADDRESS, quantities={product.pk: 1}),
                    services.NewBasket(kind="address", fields={**ADDRESS, "postcode": "123"}),
                ],
            )
        assert set(error.value.message_dict) == {"postcode"}
        assert not ShippingBasket.objects.exists()

    def test_products_of_another_account_and_empty_quantities_are_refused(self, draft):
        other = ProductFactory()
        mine = ProductFactory(account=draft.account)
        for quantities in ({other.pk: 1}, {mine.pk: 0}):
            with pytest.raises(services.OrderError):
                services.baskets_add(
                    order=draft, baskets=[services.NewBasket(kind="pickup", fields=PICKUP, quantities=quantities)]
                )
        assert not ShippingBasket.objects.exists()
