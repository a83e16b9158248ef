"""A basket line's product comes from the order's account: the model refuses another account's product
(so the admin, the only form that edits lines freely, shows the refusal next to the field and saves
nothing), and the admin's product search for a line offers the basket's account's products only."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from orders.models import BasketLine
from portal.admin_autocomplete import AUTOCOMPLETE_ACCOUNT_PARAM
from tests.factories import AccountFactory, OrderFactory
from tests.library.factories import ProductFactory
from tests.orders.factories import BasketFactory, LineFactory

pytestmark = pytest.mark.django_db

REFUSAL_EN = "This product belongs to another account: choose one from the library of “{account}”"
REFUSAL_FR = "Ce produit appartient à un autre compte : choisissez-en un dans la bibliothèque de « {account} »"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def basket():
    return BasketFactory(order=OrderFactory(account=AccountFactory(name="Éditions du Nord")))


@pytest.fixture
def foreign_product():
    return ProductFactory(account=AccountFactory(name="Éditions du Sud"), title="Livre du Sud")


def test_a_line_of_another_accounts_product_is_refused_on_its_product_field(basket, foreign_product):
    line = BasketLine(basket=basket, product=foreign_product, quantity=2)

    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            line.full_clean()

        assert list(refused.value.message_dict) == ["product"]
        assert REFUSAL_EN.format(account="Éditions du Nord") in refused.value.message_dict["product"][0]


def test_a_line_of_the_accounts_own_product_is_valid(basket):
    BasketLine(basket=basket, product=ProductFactory(account=basket.order.account), quantity=2).full_clean()


def basket_form_data(client, basket, lines: list[tuple[BasketLine | None, int, int]]) -> dict:
    """The basket's change form as the admin renders it, with `lines` as (line or None, product id, quantity)."""
    form = client.get(reverse("admin:orders_shippingbasket_change", args=[basket.pk])).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "id"}
    data.update(
        {
            "lines-TOTAL_FORMS": str(len(lines)),
            "lines-INITIAL_FORMS": str(sum(1 for line, _, _ in lines if line)),
        }
    )
    for index, (line, product_id, quantity) in enumerate(lines):
        data.update(
            {
                f"lines-{index}-id": line.pk if line else "",
                f"lines-{index}-basket": basket.pk,
                f"lines-{index}-product": product_id,
                f"lines-{index}-quantity": str(quantity),
            }
        )
    return data


@pytest.mark.parametrize(("language", "refusal"), [("en", REFUSAL_EN), ("fr", REFUSAL_FR)], ids=["en", "fr"])
def test_admin_adding_another_accounts_product_shows_the_refusal_and_saves_nothing(
    staff_client, basket, foreign_product, language, refusal
):
    own = LineFactory(basket=basket, quantity=5)
    url = reverse("admin:orders_shippingbasket_change", args=[basket.pk])
    data = basket_form_data(staff_client, basket, [(own, own.product_id, 9), (None, foreign_product.pk, 3)])

    response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    [formset] = response.context["inline_admin_formsets"]
    assert list(formset.formset.forms[1].errors) == ["product"]
    assert refusal.format(account="Éditions du Nord") in response.content.decode()
    assert list(basket.lines.values_list("product_id", "quantity")) == [(own.product_id, 5)]


def test_admin_changing_a_lines_product_to_another_accounts_is_refused(staff_client, basket, foreign_product):
    line = LineFactory(basket=basket)
    url = reverse("admin:orders_shippingbasket_change", args=[basket.pk])
    data = basket_form_data(staff_client, basket, [(line, foreign_product.pk, line.quantity)])

    response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert REFUSAL_EN.format(account="Éditions du Nord") in response.content.decode()
    line.refresh_from_db()
    assert line.product_id != foreign_product.pk


def test_admin_moving_a_basket_to_another_accounts_order_is_refused_on_its_lines(staff_client, basket):
    line = LineFactory(basket=basket)
    elsewhere = OrderFactory(account=AccountFactory(name="Éditions du Sud"))
    url = reverse("admin:orders_shippingbasket_change", args=[basket.pk])
    data = basket_form_data(staff_client, basket, [(line, line.product_id, line.quantity)])
    data["order"] = elsewhere.pk

    response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert REFUSAL_EN.format(account="Éditions du Sud") in response.content.decode()
    basket.refresh_from_db()
    assert basket.order_id != elsewhere.pk


def test_admin_saves_a_line_of_the_accounts_own_product(staff_client, basket):
    product = ProductFactory(account=basket.order.account)
    url = reverse("admin:orders_shippingbasket_change", args=[basket.pk])

    response = staff_client.post(url, basket_form_data(staff_client, basket, [(None, product.pk, 4)]))

    assert response.status_code == 302
    assert list(basket.lines.values_list("product_id", "quantity")) == [(product.pk, 4)]


def test_the_line_product_search_offers_the_baskets_account_products_only(staff_client, basket, foreign_product):
    LineFactory(basket=basket)
    own = ProductFactory(account=basket.order.account, title="Livre du Nord")
    page = staff_client.get(reverse("admin:orders_shippingbasket_change", args=[basket.pk])).content.decode()
    search_url = f"{reverse('admin:autocomplete')}?{AUTOCOMPLETE_ACCOUNT_PARAM}={basket.order.account_id}"
    # Every line's product widget (the line's and the empty one "Add another" copies) searches in the account.
    product_widgets = re.findall(r'data-ajax--url="([^"]*)"[^>]*data-field-name="product"', page)
    assert product_widgets == [search_url.replace("&", "&amp;")] * 2

    def search(query_string: str) -> set[str]:
        # The query string as select2 sends it: the widget's URL, then its own parameters after "&".
        params = "app_label=orders&model_name=basketline&field_name=product&term=Livre"
        response = staff_client.get(f"{query_string}{'&' if '?' in query_string else '?'}{params}")
        return {result["text"] for result in response.json()["results"]}

    own_titles = set(basket.order.account.products.values_list("title", flat=True))
    assert own.title in own_titles and len(own_titles) == 2
    assert search(search_url) == own_titles
    assert search(reverse("admin:autocomplete")) == {*own_titles, foreign_product.title}
