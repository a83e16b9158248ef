"""Bidirectional controls (U+202E and its kin) never reach a name: customer forms, the admin, services, files."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contacts.models import Account
from files.services import clean_file_name
from library.models import Product
from library.services import product_save
from orders import services
from orders.forms import PickupBasketForm
from orders.models import Order
from portal.fields import NameField
from portal.text import BIDI_CONTROLS, strip_bidi_controls
from tests.admin_forms import admin_change_data
from tests.factories import AccountFactory, OrderFactory
from tests.library.factories import BindingFactory, PaperFormatFactory

RLO = "\u202e"
ALL_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_every_bidirectional_control_is_stripped_and_the_visible_text_kept():
    assert set(ALL_CONTROLS) == BIDI_CONTROLS
    assert strip_bidi_controls(f"Fac{ALL_CONTROLS}ture fdp.exe") == "Facture fdp.exe"
    assert strip_bidi_controls("مكتبة « Le Phare »") == "مكتبة « Le Phare »"


def test_a_file_name_loses_its_bidirectional_controls():
    assert clean_file_name(f"facture{RLO}fdp.pdf") == "facturefdp.pdf"


def test_the_name_like_fields_are_name_fields():
    for model, field in [
        (Account, "name"),
        (Order, "name"),
        (Order, "customer_reference"),
        (Product, "title"),
        (Order._meta.get_field("baskets").related_model, "company"),
        (Order._meta.get_field("baskets").related_model, "line1"),
        (Order._meta.get_field("baskets").related_model, "city"),
    ]:
        assert isinstance(model._meta.get_field(field), NameField), f"{model.__name__}.{field}"


@pytest.mark.django_db
def test_an_order_name_and_reference_typed_by_the_customer_come_back_without_them(customer_client, account):
    order = OrderFactory(account=account)
    customer_client.post(
        reverse("orders:name", args=[order.pk]),
        {"name": f"Réédition {RLO}fdp.exe", "customer_reference": f"BC{RLO}-12"},
    )
    order.refresh_from_db()
    assert (order.name, order.customer_reference) == ("Réédition fdp.exe", "BC-12")


@pytest.mark.django_db
def test_a_product_title_typed_by_the_customer_comes_back_without_them(customer_client):
    data = {
        "title": f"Poèmes{RLO} du phare",
        "binding": BindingFactory(min_pages=1, max_pages=1000, page_multiple=1).pk,
        "paper_format": PaperFormatFactory().pk,
        "page_count": "64",
        "quantity_to_print": "10",
    }
    customer_client.post(reverse("library:new"), data)
    assert Product.objects.get().title == "Poèmes du phare"


@pytest.mark.django_db
def test_a_name_made_of_controls_only_is_required():
    form = PickupBasketForm({"pickup_name": RLO * 3, "phone": "0320000000"})
    assert not form.is_valid() and list(form.errors) == ["pickup_name"]


@pytest.mark.django_db
def test_a_company_name_typed_in_the_admin_comes_back_without_them(client, staff_user):
    account = AccountFactory(name="Le Phare")
    client.force_login(staff_user)
    url = reverse("admin:contacts_account_change", args=[account.pk])
    response = client.post(url, admin_change_data(client, url, name=f"Éditions{RLO} du Nord"))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.name == "Éditions du Nord"


@pytest.mark.django_db
def test_names_saved_by_the_services_come_back_without_them(account, customer):
    order = OrderFactory(account=account)
    basket = services.basket_save(
        order=order,
        kind="address",
        fields={
            "company": f"Librairie{RLO} du Nord",
            "first_name": f"Ca{RLO}mille",
            "last_name": "\u2066Martin\u2069",
            "line1": f"1 rue{RLO} Nationale",
            "postcode": "59000",
            "city": "Lille\u200f",
            "country": "FR",
        },
    )
    basket.refresh_from_db()
    assert (basket.company, basket.first_name, basket.last_name, basket.line1, basket.city) == (
        "Librairie du Nord",
        "Camille",
        "Martin",
        "1 rue Nationale",
        "Lille",
    )
    assert basket.address.company == "Librairie du Nord"
    product = Product(title=f"Carnet{RLO}", page_count=1, quantity_to_print=1)
    product_save(product=product, user=customer)
    assert Product.objects.get(pk=product.pk).title == "Carnet"


@pytest.mark.django_db
def test_a_row_built_without_a_form_is_saved_without_them(account):
    order = Order.objects.create(account=account, name=f"Commande{RLO} 12")
    assert order.name == "Commande 12"
    assert Order.objects.get(pk=order.pk).name == "Commande 12"
