"""The orders admin's pages run as many queries for an order or basket of one line as for one of twenty:
no product, file, bookseller or staff member is fetched once per row."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from files.models import ProductFile
from library.models import Product
from orders.models import BasketLine, Order, ShippingBasket
from portal.audit import audit_entries_of
from portal.models import AuditEntry
from tests.factories import AccountFactory, StaffUserFactory
from tests.library.factories import BindingFactory, PaperFormatFactory
from tests.orders.factories import BooksellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def make_order(*, account=None, baskets: int = 1, lines: int = 1, moves: int = 1) -> Order:
    """An order whose baskets go to booksellers and whose lines' products each have two files."""
    account = account or AccountFactory()
    binding, paper_format = BindingFactory(), PaperFormatFactory()
    products = Product.objects.bulk_create(
        Product(account=account, title=f"Livre {i}", binding=binding, paper_format=paper_format, page_count=64)
        for i in range(lines)
    )
    ProductFile.objects.bulk_create(
        ProductFile(
            product=product,
            kind=kind,
            file=f"products/{product.pk}-{kind}.pdf",
            original_name=f"{kind}-{i}.pdf",
            size=1,
        )
        for i, product in enumerate(products)
        for kind in ("cover", "interior")
    )
    order = Order.objects.create(account=account, name="Commande", status="submitted", number=None)
    made = ShippingBasket.objects.bulk_create(
        ShippingBasket(order=order, kind="bookseller", bookseller=BooksellerFactory(), position=b)
        for b in range(baskets)
    )
    BasketLine.objects.bulk_create(
        BasketLine(basket=basket, product=product, quantity=3) for basket in made for product in products
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            content_type=ContentType.objects.get_for_model(Order),
            object_id=str(order.pk),
            object_repr=str(order),
            account_id=account.pk,
            action="status",
            changes={"status": ["draft", "submitted"]},
            actor=StaffUserFactory(),
        )
        for _ in range(moves)
    )
    return order


def count(client, url) -> int:
    """Queries of a warm request (a first request may fill per-session caches of other apps)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_basket_page_with_twenty_lines(staff_client, django_assert_num_queries):
    small = make_order().baskets.get()
    large = make_order(lines=20).baskets.get()
    expected = count(staff_client, reverse("admin:orders_shippingbasket_change", args=[small.pk]))

    with django_assert_num_queries(expected):
        response = staff_client.get(reverse("admin:orders_shippingbasket_change", args=[large.pk]))

    html = response.content.decode()
    for line in large.lines.select_related("product"):
        # Each line's product stays selected in its autocomplete, labelled, and its files are listed.
        assert f'<option value="{line.product_id}" selected>{line.product.title}</option>' in html
    assert all(f"interior-{i}.pdf" in html for i in range(20))


def test_basket_page_still_saves_a_line(staff_client):
    basket = make_order(lines=2).baskets.get()
    first, second = basket.lines.order_by("pk")
    url = reverse("admin:orders_shippingbasket_change", args=[basket.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "id"}
    data.update(
        {
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "2",
            "lines-0-id": first.pk,
            "lines-0-basket": basket.pk,
            "lines-0-product": first.product_id,
            "lines-0-quantity": "7",
            "lines-1-id": second.pk,
            "lines-1-basket": basket.pk,
            "lines-1-product": second.product_id,
            "lines-1-quantity": "3",
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    first.refresh_from_db()
    assert first.quantity == 7


def test_order_page_with_twenty_baskets_lines_and_moves(staff_client, django_assert_num_queries):
    small = make_order()
    large = make_order(baskets=20, lines=20, moves=20)
    expected = count(staff_client, reverse("admin:orders_order_change", args=[small.pk]))

    with django_assert_num_queries(expected):
        response = staff_client.get(reverse("admin:orders_order_change", args=[large.pk]))

    html = response.content.decode()
    assert all(basket.bookseller.name in html for basket in large.baskets.select_related("bookseller"))
    assert all(str(entry.actor) in html for entry in audit_entries_of(large))


@pytest.mark.parametrize("changelist", ["admin:orders_order_changelist", "admin:orders_shippingbasket_changelist"])
def test_changelists_with_many_orders(staff_client, changelist, django_assert_num_queries):
    make_order()
    expected = count(staff_client, reverse(changelist))
    for _ in range(30):
        make_order(baskets=2)

    with django_assert_num_queries(expected):
        staff_client.get(reverse(changelist))
