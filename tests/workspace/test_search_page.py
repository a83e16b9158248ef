"""The full-screen search page: a plain GET form, results in columns newest order first, the states
(empty, nothing found, too many), pages, the htmx fragment, and a query count that does not grow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from tests.factories import AccountFactory, OrderFactory
from tests.library.factories import ProductFactory
from tests.orders.factories import BasketFactory, LineFactory

pytestmark = pytest.mark.django_db

URL = reverse("portal:search")


def page(client, query="", **params):
    return client.get(URL, {"q": query, **params}).content.decode()


def placed(account, *, name, days_ago=0, title="Gravitations", city="Lille"):
    order = OrderFactory(
        account=account,
        name=name,
        status=Order.Status.SUBMITTED,
        number=f"C2026-{Order.objects.count() + 1:06d}",
        submitted_at=timezone.now() - timedelta(days=days_ago),
    )
    product = ProductFactory(account=account, title=title)
    LineFactory(basket=BasketFactory(order=order, city=city), product=product)
    return order


def test_the_empty_page_is_a_form_that_works_without_javascript(customer_client):
    html = page(customer_client)
    assert 'role="search"' in html and 'method="get"' in html and 'name="q"' in html
    assert 'hx-trigger="keyup changed delay:300ms, search"' in html
    assert 'id="search-status"' in html and "<table" not in html


def test_results_show_product_recipient_and_order_newest_first(customer_client, account):
    old = placed(account, name="Rentrée ancienne", days_ago=30)
    new = placed(account, name="Rentrée nouvelle", days_ago=1)
    html = page(customer_client, "rentree")
    assert html.index(reverse("orders:detail", args=[new.pk])) < html.index(reverse("orders:detail", args=[old.pk]))
    html = page(customer_client, "gravit lille")
    assert reverse("library:detail", args=[new.baskets.get().lines.get().product_id]) not in html  # not "lille"
    assert "Librairie du Turet" in html and new.number in html


def test_another_accounts_results_never_show(customer_client):
    other = placed(AccountFactory(), name="Secret")
    html = page(customer_client, "secret")
    assert reverse("orders:detail", args=[other.pk]) not in html and "<table" not in html


def test_nothing_found_and_too_many_results(customer_client, account, settings, monkeypatch):
    from workspace import views

    for n in range(3):
        placed(account, name=f"Série {n}")
    assert "<table" not in page(customer_client, "introuvable")
    monkeypatch.setattr(views, "SEARCH_MAX_RESULTS", 2)
    html = page(customer_client, "serie")
    assert html.count("data-search-result href") == 2  # the first ones, and a word is asked for
    response = customer_client.get(URL, {"q": "serie"})
    assert response.context["too_many"] and response.context["count"] == 3  # the cap, plus one: more


def test_results_come_in_pages_with_the_count(customer_client, account, monkeypatch):
    from workspace import views

    monkeypatch.setattr(views, "SEARCH_PER_PAGE", 4)
    for n in range(6):
        placed(account, name=f"Série {n}", days_ago=n)
    first = customer_client.get(URL, {"q": "serie"})
    assert first.context["count"] == 6  # the 6 baskets (an order is listed by its baskets, not twice)
    assert first.context["page"].paginator.num_pages == 2
    assert "page=2" in first.content.decode()
    last = customer_client.get(URL, {"q": "serie", "page": 2})
    assert len(last.context["page"].hits) == 2


def test_htmx_gets_the_results_only(customer_client, account):
    placed(account, name="Rentrée")
    response = customer_client.get(URL, {"q": "rentree"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-results"') and "<html" not in html
    assert "HX-Request" in response["Vary"]
    restore = customer_client.get(
        URL, {"q": "rentree"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()


def test_the_query_count_does_not_grow_with_the_orders(
    customer_client, account, django_assert_max_num_queries, django_assert_num_queries
):
    placed(account, name="Rentrée 0")
    customer_client.get(URL, {"q": "rentree"})  # session and scope warmed alike for both runs
    # session, user, count, the page of documents, one load per kind, the baskets' lines
    with django_assert_max_num_queries(8) as one:
        customer_client.get(URL, {"q": "rentree"})
    for n in range(1, 15):
        placed(account, name=f"Rentrée {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        response = customer_client.get(URL, {"q": "rentree"})
    assert response.context["count"] == 15  # the 15 orders' baskets


def test_my_orders_filter_by_words(customer_client, account):
    wanted = placed(account, name="Rentrée", city="Roubaix")
    other = placed(account, name="Noël", city="Lille")
    html = customer_client.get(reverse("orders:list"), {"q": "roubaix rentree"}).content.decode()
    assert reverse("orders:detail", args=[wanted.pk]) in html
    assert reverse("orders:detail", args=[other.pk]) not in html
    html = customer_client.get(reverse("orders:list"), {"q": "absent"}).content.decode()
    assert reverse("orders:detail", args=[wanted.pk]) not in html
