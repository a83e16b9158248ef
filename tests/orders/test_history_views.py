"""My orders, the order page and "order again" through the HTTP client."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders import services
from orders.models import Order, OrderStatus
from tests.orders.factories import submittable_order

pytestmark = pytest.mark.django_db


def test_my_orders_newest_first_filtered_and_paginated(customer_client, customer):
    for n in range(27):
        submittable_order(account=customer.account, name=f"Commande {n}", status="submitted", number=f"C2026-{n:06d}")
    accepted = submittable_order(account=customer.account, name="Acceptée", status="accepted", number="C2026-100000")
    submittable_order(account=customer.account, name="Brouillon")
    response = customer_client.get(reverse("orders:list"))
    page = response.context["page"]
    assert page.count == 28 and page.object_list[0] == accepted and len(page.object_list) == 25
    following = customer_client.get(reverse("orders:list") + page.next_url).context["page"]
    names = [o.name for o in page.object_list + following.object_list]
    assert len(set(names)) == 28 and "Brouillon" not in names
    response = customer_client.get(reverse("orders:list"), {"status": "accepted"})
    assert list(response.context["page"].object_list) == [accepted]
    for bad in ({"status": "draft"}, {"status": "<script>"}, {"page": "999"}, {"after": "x"}, {"before": "!!"}):
        assert customer_client.get(reverse("orders:list"), bad).status_code == 200


def test_empty_state(customer_client):
    assert "Vous n’avez encore passé aucune commande" in customer_client.get(reverse("orders:list")).content.decode()


def test_order_page_shows_timeline_and_lines(customer_client, customer, staff_user):
    order = submittable_order(account=customer.account, name="Printemps")
    services.order_submit(order_id=order.pk, user=customer)
    services.order_request_changes(order_id=order.pk, by=staff_user, message="Couverture trop claire")
    html = customer_client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Couverture trop claire" in html and "Corriger et valider à nouveau" in html
    assert order.baskets.get().lines.get().product.title in html
    assert customer_client.get(reverse("orders:baskets", args=[order.pk])).status_code == 200


def test_draft_order_page_leads_to_the_steps(customer_client, customer):
    draft = submittable_order(account=customer.account)
    response = customer_client.get(reverse("orders:detail", args=[draft.pk]))
    assert response.url == reverse("orders:baskets", args=[draft.pk])


def test_order_again_views(customer_client, customer):
    order = submittable_order(
        account=customer.account, baskets=2, name="Printemps", status="completed", number="C2026-1"
    )
    response = customer_client.post(reverse("orders:again", args=[order.pk]))
    copy = Order.objects.drafts().get()
    assert response.url == reverse("orders:baskets", args=[copy.pk]) and copy.baskets.count() == 2
    customer_client.post(reverse("orders:basket_again", args=[order.baskets.first().pk]))
    assert Order.objects.drafts().count() == 2
    assert customer_client.get(reverse("orders:again", args=[order.pk])).status_code == 405
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED


def test_the_timeline_reads_the_status_moves_of_the_audit_log_in_one_query(
    customer_client, customer, staff_user, django_assert_num_queries
):
    order = submittable_order(account=customer.account, name="Printemps")
    services.order_submit(order_id=order.pk, user=customer)
    url = reverse("orders:detail", args=[order.pk])
    customer_client.get(url)
    with CaptureQueriesContext(connection) as one_move:
        customer_client.get(url)
    services.order_accept(order_id=order.pk, by=staff_user)
    services.order_request_changes(order_id=order.pk, by=staff_user, message="Papier épuisé")
    services.order_submit(order_id=order.pk, user=customer)

    with django_assert_num_queries(len(one_move)):
        response = customer_client.get(url)

    moves = response.context["timeline"]
    assert [(move.to_status, move.by) for move in moves] == [
        ("submitted", customer),
        ("accepted", staff_user),
        ("changes_requested", staff_user),
        ("submitted", customer),
    ]
    html = response.content.decode()
    assert "Papier épuisé" in html and "Modifications demandées" in html
