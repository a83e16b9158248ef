"""The full-screen search's rows and their actions: "new basket from this" (a new basket of the current
draft, made if there is none, with the result's destination and products at their last quantities)
and "add to a basket" (one of the current draft's baskets), through orders.services, audited; another
account's basket or product is a 404; the overlay's fragment; the page's queries do not grow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.models import BasketLine, Order, ShippingBasket
from portal.audit import audit_entries_of
from tests.factories import AccountFactory, OrderFactory, UserFactory
from tests.library.factories import ProductFactory
from tests.orders.factories import BasketFactory, LineFactory

pytestmark = pytest.mark.django_db

URL = reverse("portal:search")
NEW = reverse("portal:search_new_basket")
ADD = reverse("portal:search_add")


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read the English messages


def placed(account, *, title="Les Gravitations", company="Librairie du Turet", city="Lille", quantity=40, days=1):
    order = OrderFactory(
        account=account,
        status=Order.Status.SUBMITTED,
        number=f"C2026-{Order.objects.count() + 1:06d}",
        submitted_at=timezone.now() - timedelta(days=days),
    )
    basket = BasketFactory(order=order, company=company, city=city)
    product = ProductFactory(account=account, title=title, quantity_to_print=300)
    LineFactory(basket=basket, product=product, quantity=quantity)
    return basket


def test_a_basket_row_shows_its_product_recipient_and_order_with_both_actions(customer_client, account):
    basket = placed(account)
    html = customer_client.get(URL, {"q": "turet"}).content.decode()
    assert "40 × <strong>Les Gravitations</strong>" in html
    assert "Librairie du Turet" in html and basket.order.number in html
    assert f'name="basket" value="{basket.pk}"' in html and f"{ADD}?basket={basket.pk}" in html


def test_a_product_row_shows_where_it_was_last_ordered(customer_client, account):
    old = placed(account, title="Atlas des volcans", city="Roubaix", quantity=10, days=30)
    new = placed(account, title="Autre", city="Lille", quantity=25)
    LineFactory(basket=new, product=old.lines.get().product, quantity=25)
    response = customer_client.get(URL, {"q": "atlas volcans"})
    rows = {row.kind: row for row in response.context["page"].rows}
    assert rows["product"].source == new and rows["product"].lines[0][0] == 25  # the last order's line
    never = ProductFactory(account=account, title="Atlas jamais commandé", quantity_to_print=300)
    rows = customer_client.get(URL, {"q": "jamais"}).context["page"].rows
    assert [(row.product, row.source, row.lines[0][0]) for row in rows] == [(never, None, 300)]


def test_new_basket_from_a_result_creates_the_draft_when_there_is_none(customer_client, customer, account):
    source = placed(account)
    response = customer_client.post(NEW, {"basket": source.pk})
    draft = Order.objects.get(account=account, status=Order.Status.DRAFT)
    assert response.status_code == 302 and response["Location"] == reverse("orders:baskets", args=[draft.pk])
    basket = draft.baskets.get()
    assert (basket.kind, basket.company, basket.city) == (source.kind, "Librairie du Turet", "Lille")
    assert [(line.product_id, line.quantity) for line in basket.lines.all()] == [(source.lines.get().product_id, 40)]
    actions = [entry.action for entry in audit_entries_of(draft)]
    assert actions == ["created", services.BASKET_ADDED]
    # the search knows the new basket at once (same transaction)
    assert customer_client.get(URL, {"q": "turet"}).context["count"] == 2


def test_new_basket_goes_into_the_current_draft_with_only_the_products_line(customer_client, customer, account):
    draft = OrderFactory(account=account, status=Order.Status.DRAFT, created_by=customer)
    there = BasketFactory(order=draft, company="Déjà là")
    source = placed(account)
    other = ProductFactory(account=account, title="Autre produit")
    LineFactory(basket=source, product=other, quantity=7)
    product = source.lines.order_by("id").first().product
    customer_client.post(NEW, {"basket": source.pk, "product": product.pk})
    assert Order.objects.filter(account=account, status=Order.Status.DRAFT).count() == 1
    added = draft.baskets.order_by("-position").first()
    assert added.position > there.position and added.company == "Librairie du Turet"
    assert [line.product for line in added.lines.all()] == [product]


def test_add_to_a_basket_asks_which_one_then_adds_the_copies(customer_client, customer, account):
    draft = OrderFactory(account=account, status=Order.Status.DRAFT, created_by=customer)
    first, second = BasketFactory(order=draft, company="Premier"), BasketFactory(order=draft, company="Second")
    source = placed(account)
    product = source.lines.get().product
    page = customer_client.get(ADD, {"basket": source.pk, "product": product.pk}).content.decode()
    assert "Premier" in page and "Second" in page and "40" in page
    refused = customer_client.post(ADD, {"basket": source.pk, "product": product.pk})
    assert refused.status_code == 400 and "Choose one of the baskets" in refused.content.decode()
    assert not BasketLine.objects.filter(basket__order=draft).exists()
    response = customer_client.post(ADD, {"basket": source.pk, "product": product.pk, "into": second.pk})
    assert response["Location"] == reverse("orders:baskets", args=[draft.pk])
    assert [(line.product, line.quantity) for line in second.lines.all()] == [(product, 40)]
    assert not first.lines.exists()
    customer_client.post(ADD, {"basket": source.pk, "product": product.pk, "into": second.pk})
    assert second.lines.get().quantity == 80  # the same product again: its copies are added
    assert services.LINE_CHANGED in [entry.action for entry in audit_entries_of(draft)]


def test_a_product_never_ordered_is_added_at_its_quantity_to_print(customer_client, customer, account):
    draft = OrderFactory(account=account, status=Order.Status.DRAFT, created_by=customer)
    basket = BasketFactory(order=draft)
    product = ProductFactory(account=account, title="Neuf", quantity_to_print=300)
    customer_client.post(ADD, {"product": product.pk, "into": basket.pk})
    assert basket.lines.get().quantity == 300
    assert customer_client.post(NEW, {"product": product.pk}).status_code == 404  # no destination to copy


def test_without_a_draft_or_its_baskets_add_explains_what_to_do(customer_client, customer, account):
    source = placed(account)
    assert "no order in progress" in customer_client.get(ADD, {"basket": source.pk}).content.decode()
    OrderFactory(account=account, status=Order.Status.DRAFT, created_by=customer)
    assert "has no basket yet" in customer_client.get(ADD, {"basket": source.pk}).content.decode()


def test_another_accounts_results_and_baskets_are_404s_and_change_nothing(customer_client, customer, account):
    theirs = placed(AccountFactory())
    theirs_product = theirs.lines.get().product
    draft = OrderFactory(account=account, status=Order.Status.DRAFT, created_by=customer)
    mine = BasketFactory(order=draft)
    other_draft_basket = BasketFactory(order=OrderFactory(account=theirs.order.account, status=Order.Status.DRAFT))
    for data in ({"basket": theirs.pk}, {"product": theirs_product.pk}, {"basket": "x"}, {}):
        assert customer_client.post(NEW, data).status_code == 404
        assert customer_client.get(ADD, data).status_code == 404
        assert customer_client.post(ADD, {**data, "into": mine.pk}).status_code == 404
    source = placed(account)
    refused = customer_client.post(ADD, {"basket": source.pk, "into": other_draft_basket.pk})
    assert refused.status_code == 400
    assert not BasketLine.objects.filter(basket__in=[mine, other_draft_basket]).exists()
    assert ShippingBasket.objects.filter(order__account=account, order__status=Order.Status.DRAFT).count() == 1


def test_the_service_refuses_another_accounts_basket():
    user = UserFactory(account=AccountFactory())
    theirs = placed(AccountFactory())
    with pytest.raises(services.OrderError):
        services.basket_new_from(user=user, source=theirs)
    assert not Order.objects.filter(account=user.account).exists()


def test_the_actions_are_posts_and_a_get_changes_nothing(customer_client, account):
    source = placed(account)
    assert customer_client.get(NEW, {"basket": source.pk}).status_code == 405
    assert not Order.objects.filter(status=Order.Status.DRAFT).exists()


def test_the_overlay_gets_the_screen_without_the_layout(customer_client, account):
    placed(account)
    headers = {"HX-Request": "true", "HX-Target": "search-dialog-body"}
    html = customer_client.get(URL, {"overlay": "1"}, headers=headers).content.decode()
    assert "<html" not in html and 'id="search-q"' in html and 'id="search-dialog-title"' in html
    assert 'name="overlay" value="1"' in html and "hx-push-url" not in html  # the page's address stays
    typed = customer_client.get(URL, {"q": "turet", "overlay": "1"}, headers={"HX-Request": "true"})
    assert typed.content.decode().lstrip().startswith('<div id="search-results"')
    page = customer_client.get(reverse("portal:dashboard")).content.decode()
    assert "data-search-open" in page and 'id="search-dialog"' in page


def test_the_query_count_does_not_grow_with_products_and_baskets(
    customer_client, account, django_assert_max_num_queries, django_assert_num_queries
):
    placed(account, title="Rentrée 0")
    customer_client.get(URL, {"q": "rentree"})
    # session, user, count, documents, baskets and their lines, products, their last lines
    with django_assert_max_num_queries(10) as one:
        response = customer_client.get(URL, {"q": "rentree"})
    assert {row.kind for row in response.context["page"].rows} == {"basket", "product"}
    for n in range(1, 12):
        placed(account, title=f"Rentrée {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        response = customer_client.get(URL, {"q": "rentree"})
    assert response.context["count"] == 24
