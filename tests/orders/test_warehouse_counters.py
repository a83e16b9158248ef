"""The warehouse's counters: a product's copies ordered and last order date, an address-book entry's
baskets, kept by the orders' services in the same transaction, and the "my 10 last / my 20 best" rules
that read them; the integrity check finds (and repairs) a counter out of date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from library.models import Product
from orders import counters, selectors, services
from orders.models import Address, BasketLine, Order
from portal.access import member_scope
from tests.factories import AccountFactory, UserFactory
from tests.library.factories import ProductFactory
from tests.orders.factories import AddressFactory, BasketFactory, LineFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"company": "Le Turet", "line1": "1 rue Nationale", "postcode": "59000", "city": "Lille", "country": "FR"}


def place(user, *products_and_quantities, name="Commande"):
    """A draft with one basket holding these lines, submitted by ``user``."""
    order = services.order_create_draft(user=user, name=name)
    basket = services.basket_save(order=order, kind="pickup", fields={"pickup_name": "Camille", "phone": "0320000000"})
    for product, quantity in products_and_quantities:
        services.line_add(basket=basket, product=product, quantity=quantity)
    return services.order_submit(order_id=order.pk, user=user)


def fresh(product) -> Product:
    return Product.objects.get(pk=product.pk)


def test_a_draft_counts_for_nothing_until_it_is_placed(customer):
    product = ProductFactory(account=customer.account)
    order = services.order_create_draft(user=customer, name="Brouillon")
    basket = services.basket_save(order=order, kind="pickup", fields={"pickup_name": "Camille", "phone": "0320000000"})
    services.line_add(basket=basket, product=product, quantity=40)
    assert (fresh(product).copies_ordered, fresh(product).last_order_at) == (0, None)
    services.order_submit(order_id=order.pk, user=customer)
    placed = Order.objects.get(pk=order.pk)
    assert (fresh(product).copies_ordered, fresh(product).last_order_at) == (40, placed.submitted_at)


def test_copies_add_up_over_orders_and_a_cancelled_order_is_taken_off(customer, staff_user):
    product = ProductFactory(account=customer.account)
    first = place(customer, (product, 100))
    second = place(customer, (product, 25))
    assert fresh(product).copies_ordered == 125
    assert fresh(product).last_order_at == second.submitted_at
    services.order_cancel(order_id=second.pk, by=staff_user)
    assert fresh(product).copies_ordered == 100
    assert fresh(product).last_order_at == first.submitted_at


def test_an_order_sent_back_for_changes_recounts_its_lines(customer, staff_user):
    product = ProductFactory(account=customer.account)
    order = place(customer, (product, 10))
    services.order_request_changes(order_id=order.pk, by=staff_user, message="Moins d’exemplaires")
    line = BasketLine.objects.select_related("basket__order").get(basket__order=order)
    services.line_update(line=line, quantity=4)
    assert fresh(product).copies_ordered == 4
    services.line_remove(line=line)
    assert fresh(product).copies_ordered == 0 and fresh(product).last_order_at is None


def test_my_10_last_and_20_best_products(customer):
    account = customer.account
    products = [ProductFactory(account=account, title=f"Livre {n:02}") for n in range(25)]
    never = ProductFactory(account=account, title="Jamais commandé")
    for n, product in enumerate(products):
        place(customer, (product, n + 1))
    scope = member_scope(customer)
    recent = selectors.products_recent(scope=scope)
    best = selectors.products_most_ordered(scope=scope)
    # The last ten ordered, the last first; the twenty with the most copies, the most first.
    assert [p.title for p in recent] == [f"Livre {n:02}" for n in range(24, 14, -1)]
    assert [p.title for p in best] == [f"Livre {n:02}" for n in range(24, 4, -1)]
    assert [p.copies_ordered for p in best][:2] == [25, 24]
    assert never not in recent and never not in best


def test_the_lists_never_show_another_accounts_products(customer):
    other = UserFactory(account=AccountFactory())
    theirs = ProductFactory(account=other.account, title="Le leur")
    place(other, (theirs, 500))
    mine = ProductFactory(account=customer.account, title="Le mien")
    place(customer, (mine, 1))
    scope = member_scope(customer)
    assert selectors.products_recent(scope=scope) == [mine]
    assert selectors.products_most_ordered(scope=scope) == [mine]


def test_an_address_counts_its_baskets_and_dates_the_last(customer):
    draft = services.order_create_draft(user=customer)
    basket = services.basket_save(order=draft, kind="address", fields=ADDRESS)
    services.basket_save(order=draft, kind="address", fields=ADDRESS)
    address = Address.objects.get()
    assert address.use_count == 2 and address.last_used_at is not None
    # Editing a basket is no new use; sending it elsewhere takes the use away.
    services.basket_save(order=draft, kind="address", fields=ADDRESS, basket=basket)
    assert Address.objects.get().use_count == 2
    services.basket_save(order=draft, kind="pickup", fields={"pickup_name": "C", "phone": "0320000000"}, basket=basket)
    assert Address.objects.get().use_count == 1
    services.order_delete_draft(order=draft)
    assert Address.objects.get().use_count == 0


def test_my_10_last_and_20_best_addresses(customer):
    account = customer.account
    now = timezone.now()
    entries = [
        AddressFactory(account=account, company=f"Client {n:02}", use_count=n, last_used_at=now - timedelta(days=n))
        for n in range(1, 26)
    ]
    hidden = AddressFactory(account=account, company="Caché", use_count=99, last_used_at=now, is_hidden=True)
    AddressFactory(account=account, company="Jamais", use_count=0, last_used_at=None)
    AddressFactory(company="Autre compte", use_count=500, last_used_at=now)
    scope = member_scope(customer)
    recent = selectors.addresses_recent(scope=scope)
    best = selectors.addresses_most_used(scope=scope)
    assert recent == entries[:10]
    assert best == entries[::-1][:20]
    assert hidden not in recent and hidden not in best


def test_the_integrity_check_finds_and_repairs_counters(customer):
    product = ProductFactory(account=customer.account)
    ProductFactory(account=customer.account, title="Jamais commandé")
    AddressFactory(account=customer.account, company="Jamais utilisée")
    place(customer, (product, 7))
    address = AddressFactory(account=customer.account)
    BasketFactory(order__account=customer.account, address=address)
    Product.objects.filter(pk=product.pk).update(copies_ordered=3)
    progress = counters.Progress()
    result = counters.counters_check(False, False, progress)
    assert result.problems == [
        f"product {product.pk}: copies ordered or last order date out of date",
        f"address {address.pk}: times used out of date",
    ]
    result = counters.counters_check(False, True, progress)
    assert result.fixed == 2
    assert fresh(product).copies_ordered == 7 and Address.objects.get(pk=address.pk).use_count == 1
    assert counters.counters_check(False, False, progress).problems == []


def test_lines_added_outside_the_services_are_counted_by_the_recount(customer):
    product = ProductFactory(account=customer.account)
    LineFactory(basket__order__account=customer.account, basket__order__status="submitted", product=product, quantity=9)
    counters.products_recount([product.pk])
    assert fresh(product).copies_ordered == 9
