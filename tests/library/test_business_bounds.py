"""Every count and quantity keeps to its business bound, declared once: forms, admin, services, database."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from library.models import (
    HEIGHT_MM_MAX,
    PAGE_COUNT_MAX,
    PRINT_QUANTITY_MAX,
    REMARKS_MAX_LENGTH,
    WIDTH_MM_MAX,
    Product,
)
from orders import services
from orders.forms import QuantityForm
from orders.models import LINE_QUANTITY_MAX, BasketLine
from quotes.forms import EstimateForm
from quotes.models import PriceBreak, QuoteLine
from submissions.forms import SubmissionForm
from tests.admin_forms import admin_change_data
from tests.factories import OrderFactory
from tests.library.factories import BindingFactory, PaperFormatFactory, ProductFactory
from tests.orders.factories import BasketFactory, LineFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999"


def product_form_data(**overrides) -> dict:
    return {
        "title": "Carnet",
        "binding": BindingFactory(min_pages=1, max_pages=PAGE_COUNT_MAX, page_multiple=1).pk,
        "paper_format": PaperFormatFactory().pk,
        "page_count": "64",
        "quantity_to_print": "10",
        **overrides,
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("page_count", HUGE, "inférieure ou égale à 10000"),
        ("page_count", str(PAGE_COUNT_MAX + 1), "inférieure ou égale à 10000"),
        ("quantity_to_print", HUGE, "inférieure ou égale à 100000"),
        ("quantity_to_print", str(PRINT_QUANTITY_MAX + 1), "inférieure ou égale à 100000"),
        ("remarks", "x" * (REMARKS_MAX_LENGTH + 1), "au plus 5000 caractères"),
        ("remarks", "x" * 4_000_000, "au plus 5000 caractères"),
    ],
)
def test_the_customer_product_form_refuses_beyond_the_bound_next_to_the_field(customer_client, field, value, message):
    response = customer_client.post(reverse("library:new"), product_form_data(**{field: value}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in " ".join(errors[field]).replace("\u202f", "").replace("\xa0", "")
    assert not Product.objects.exists()


def test_the_customer_product_form_takes_the_bounds_themselves(customer_client):
    data = product_form_data(
        page_count=str(PAGE_COUNT_MAX), quantity_to_print=str(PRINT_QUANTITY_MAX), remarks="x" * REMARKS_MAX_LENGTH
    )
    customer_client.post(reverse("library:new"), data)
    product = Product.objects.get()
    assert (product.page_count, product.quantity_to_print, len(product.remarks)) == (
        PAGE_COUNT_MAX,
        PRINT_QUANTITY_MAX,
        REMARKS_MAX_LENGTH,
    )


@pytest.mark.parametrize("field", ["page_count", "quantity_to_print"])
def test_the_admin_product_form_refuses_beyond_the_bound(client, staff_user, field):
    product = ProductFactory()
    client.force_login(staff_user)
    url = reverse("admin:library_product_change", args=[product.pk])
    response = client.post(url, admin_change_data(client, url, **{field: HUGE}))
    assert response.status_code == 200 and field in response.context["adminform"].form.errors
    assert getattr(Product.objects.get(pk=product.pk), field) == getattr(product, field)


@pytest.mark.parametrize(
    ("update", "name"),
    [
        ({"page_count": PAGE_COUNT_MAX + 1}, "product_pages_bounded"),
        ({"quantity_to_print": PRINT_QUANTITY_MAX + 1}, "product_quantity_bounded"),
        ({"width_mm": WIDTH_MM_MAX + 1}, "product_size_bounded"),
        ({"height_mm": HEIGHT_MM_MAX + 1}, "product_size_bounded"),
    ],
)
def test_the_database_refuses_a_product_beyond_its_bounds(update, name):
    product = ProductFactory()
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(**update)


def test_the_database_refuses_a_line_quote_line_or_price_break_beyond_its_bound():
    line = LineFactory()
    with pytest.raises(IntegrityError, match="basketline_quantity_bounded"), transaction.atomic():
        BasketLine.objects.filter(pk=line.pk).update(quantity=LINE_QUANTITY_MAX + 1)
    for model, field in ((QuoteLine, "quantity"), (PriceBreak, "min_quantity")):
        constraint_names = {constraint.name for constraint in model._meta.constraints}
        assert f"{model._meta.model_name}_{field.split('_')[-1]}_bounded" in constraint_names


def test_the_other_forms_read_the_same_bounds():
    submission = SubmissionForm.base_fields
    assert submission["page_count"].max_value == PAGE_COUNT_MAX
    assert submission["quantity"].max_value == PRINT_QUANTITY_MAX
    assert (submission["width_mm"].max_value, submission["height_mm"].max_value) == (WIDTH_MM_MAX, HEIGHT_MM_MAX)
    assert submission["remarks"].max_length == REMARKS_MAX_LENGTH
    estimate = EstimateForm.base_fields
    assert (estimate["page_count"].max_value, estimate["quantity_to_print"].max_value) == (
        PAGE_COUNT_MAX,
        PRINT_QUANTITY_MAX,
    )
    assert QuantityForm.base_fields["quantity"].max_value == LINE_QUANTITY_MAX == PRINT_QUANTITY_MAX


@translation.override("en")
def test_the_line_services_refuse_a_quantity_beyond_the_bound_also_when_adding_to_a_line(account):
    basket = BasketFactory(order=OrderFactory(account=account))
    product = ProductFactory(account=account)
    with pytest.raises(services.OrderError, match="between 1 and"):
        services.line_add(basket=basket, product=product, quantity=LINE_QUANTITY_MAX + 1)
    line = services.line_add(basket=basket, product=product, quantity=LINE_QUANTITY_MAX)
    with pytest.raises(services.OrderError, match="between 1 and"):
        services.line_add(basket=basket, product=product, quantity=1)
    with pytest.raises(services.OrderError, match="between 1 and"):
        services.line_update(line=line, quantity=LINE_QUANTITY_MAX + 1)
    line.refresh_from_db()
    assert line.quantity == LINE_QUANTITY_MAX


def test_adding_beyond_the_bound_to_a_basket_line_is_refused_on_the_page(customer_client, account):
    basket = BasketFactory(order=OrderFactory(account=account))
    product = ProductFactory(account=account)
    LineFactory(basket=basket, product=product, quantity=LINE_QUANTITY_MAX)
    response = customer_client.post(
        reverse("orders:line_add", args=[basket.pk]), {"product": product.pk, "quantity": "1"}, follow=True
    )
    refusals = [str(message) for message in response.context["messages"] if message.level_tag == "error"]
    assert len(refusals) == 1 and "100" in refusals[0]
    assert basket.lines.get().quantity == LINE_QUANTITY_MAX
