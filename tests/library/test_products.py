"""The product form: the printer's rules next to each field, ISBN stored as ISBN-13, doc_number staff-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from library.forms import ProductForm
from library.isbn import MESSAGES as ISBN_MESSAGES
from library.models import Product
from library.services import product_save
from orders import services as order_services
from tests.library.factories import BindingFactory, CustomFormatFactory, PaperFormatFactory, ProductFactory
from tests.orders.factories import LineFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "Carnet",
        "binding": BindingFactory(min_pages=32, max_pages=600, page_multiple=4).pk,
        "paper_format": PaperFormatFactory().pk,
        "page_count": 64,
        "quantity_to_print": 10,
    }
    data.update(overrides)
    return data


def errors_for(**overrides):
    form = ProductForm(form_data(**overrides), instance=Product())
    form.is_valid()
    return form.errors


def test_valid_product():
    assert errors_for() == {}


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"page_count": 66}, "page_count", "multiple de 4"),
        ({"page_count": 16}, "page_count", "entre 32 et 600"),
        ({"page_count": 604}, "page_count", "entre 32 et 600"),
        ({"page_count": 0}, "page_count", ""),
        ({"page_count": "abc"}, "page_count", ""),
        ({"title": ""}, "title", ""),
        ({"quantity_to_print": 0}, "quantity_to_print", ""),
    ],
)
def test_rules_give_a_message_next_to_the_field(overrides, field, text):
    errors = errors_for(**overrides)
    assert field in errors and text in " ".join(errors[field])


def test_custom_format_needs_width_and_height():
    custom = CustomFormatFactory()
    errors = errors_for(paper_format=custom.pk)
    assert {"width_mm", "height_mm"} <= set(errors)
    assert errors_for(paper_format=custom.pk, width_mm=170, height_mm=240) == {}


def test_isbn10_is_stored_as_isbn13(customer):
    form = ProductForm(form_data(isbn="2-07-036822-X"), instance=Product(account_id=customer.account_id))
    assert form.is_valid(), form.errors
    product = product_save(product=form.instance, user=customer)
    product.refresh_from_db()
    assert product.isbn == "9782070368228"


def test_customer_can_never_set_or_see_doc_number(customer_client, customer):
    product = ProductFactory(account=customer.account, doc_number="NUMDOC-77")
    response = customer_client.get(reverse("library:detail", args=[product.pk]))
    assert "NUMDOC-77" not in response.content.decode() and "doc_number" not in response.content.decode()
    data = form_data(title="Nouveau titre", doc_number="HACK")
    customer_client.post(reverse("library:detail", args=[product.pk]), data)
    product.refresh_from_db()
    assert product.title == "Nouveau titre" and product.doc_number == "NUMDOC-77"
    customer_client.post(reverse("library:new"), form_data(title="Autre", doc_number="HACK"))
    assert Product.objects.get(title="Autre").doc_number == ""


def test_product_errors_on_the_page_not_500(customer_client, customer):
    response = customer_client.post(reverse("library:new"), form_data(page_count=66, isbn="123"))
    html = response.content.decode()
    assert response.status_code == 200 and "multiple de 4" in html and str(ISBN_MESSAGES["length"]) in html
    assert not Product.objects.exists()


def test_library_search_by_title_file_name_or_isbn(customer_client, customer):
    ProductFactory(account=customer.account, title="Amours, meurtres et félonie", isbn="9782070368228")
    ProductFactory(account=customer.account, title="L’amour des mots", attached_document_name="mots-final.pdf")
    ProductFactory(account=customer.account, title="Gravitations")
    ProductFactory(title="Amours d’un autre compte")

    def titles(query):
        response = customer_client.get(reverse("library:list"), {"q": query})
        return sorted(p.title for p in response.context["page"].object_list)

    assert titles("amour") == ["Amours, meurtres et félonie", "L’amour des mots"]
    assert titles("meurtres amours") == ["Amours, meurtres et félonie"]
    assert titles("978-2070368228") == ["Amours, meurtres et félonie"]
    assert titles("mots-final") == ["L’amour des mots"]


def test_last_and_most_ordered_products(customer_client, customer):
    often = ProductFactory(account=customer.account, title="Souvent")
    once = ProductFactory(account=customer.account, title="Une fois")
    for product, quantity in ((often, 250), (once, 1)):
        line = LineFactory(basket__order__account=customer.account, basket__order__name="N", product=product)
        order_services.line_update(line=line, quantity=quantity)
        order_services.order_submit(order_id=line.basket.order_id, user=customer)
    response = customer_client.get(reverse("library:list"))
    assert [p.title for p in response.context["best"]] == ["Souvent", "Une fois"]
    assert response.context["recent"][0].title == "Une fois"
    assert response.context["best"][0].copies_ordered == 250


def test_library_pagination_and_empty_state(customer_client, customer):
    response = customer_client.get(reverse("library:list"))
    assert "Votre bibliothèque est vide" in response.content.decode()
    Product.objects.bulk_create(Product(account=customer.account, title=f"Livre {i}") for i in range(30))
    first = customer_client.get(reverse("library:list")).context["page"]
    response = customer_client.get(reverse("library:list") + first.next_url)
    assert len(response.context["page"].object_list) == 5
    assert not {p.pk for p in first.object_list} & {p.pk for p in response.context["page"].object_list}
    assert customer_client.get(reverse("library:list"), {"page": "zzz"}).status_code == 200
