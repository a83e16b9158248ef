"""Staff move orders from the admin list with the same services; illegal moves are named and skipped."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from orders import services
from orders.models import OrderSource, OrderStatus
from tests.orders.factories import BooksellerFactory, status_moves, submittable_order

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:orders_order_changelist")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def submitted(customer, django_capture_on_commit_callbacks):
    order = submittable_order(account=customer.account, name="Printemps")
    with django_capture_on_commit_callbacks(execute=True):
        services.order_submit(order_id=order.pk, user=customer)
    mail.outbox.clear()
    return order


def act(client, action, orders, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in orders], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_accept_records_who_and_emails(staff_client, staff_user, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff_client, "accept", [submitted])
    submitted.refresh_from_db()
    assert submitted.status == OrderStatus.ACCEPTED
    assert status_moves(submitted)[-1].by == staff_user
    assert len(mail.outbox) == 1
    assert "Acceptée" in response.content.decode()


def test_illegal_moves_are_skipped_and_named(staff_client, submitted, customer):
    draft = submittable_order(account=customer.account, name="Brouillon à moi")
    response = act(staff_client, "complete", [submitted, draft])
    html = response.content.decode()
    assert "Printemps" in html and "Brouillon à moi" in html
    submitted.refresh_from_db()
    assert submitted.status == OrderStatus.SUBMITTED


def test_ship_asks_for_a_tracking_reference(staff_client, staff_user, submitted):
    services.order_accept(order_id=submitted.pk, by=staff_user)
    services.order_start_production(order_id=submitted.pk, by=staff_user)
    response = act(staff_client, "ship", [submitted])
    assert response.status_code == 200 and 'name="tracking_reference"' in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == OrderStatus.IN_PRODUCTION
    response = act(staff_client, "ship", [submitted], apply="1", tracking_reference="")
    assert 'name="tracking_reference"' in response.content.decode()
    act(staff_client, "ship", [submitted], apply="1", tracking_reference="6A42")
    submitted.refresh_from_db()
    assert submitted.status == OrderStatus.SHIPPED and submitted.tracking_reference == "6A42"


def test_request_changes_with_a_message(staff_client, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        act(staff_client, "request_changes", [submitted], apply="1", message="Le PDF de couverture est flou.")
    submitted.refresh_from_db()
    assert submitted.status == OrderStatus.CHANGES_REQUESTED
    assert "Le PDF de couverture est flou." in mail.outbox[0].body


@pytest.mark.parametrize(
    ("before", "action", "after"),
    [
        ([], "cancel", OrderStatus.CANCELLED),
        ([services.order_accept], "start_production", OrderStatus.IN_PRODUCTION),
        ([services.order_accept, services.order_start_production], "ready_for_pickup", OrderStatus.READY_FOR_PICKUP),
        (
            [services.order_accept, services.order_start_production, services.order_mark_ready_for_pickup],
            "complete",
            OrderStatus.COMPLETED,
        ),
    ],
)
def test_other_actions_move_the_order_and_record_who(staff_client, staff_user, submitted, before, action, after):
    for move in before:
        move(order_id=submitted.pk, by=staff_user)
    act(staff_client, action, [submitted])
    submitted.refresh_from_db()
    assert submitted.status == after
    change = status_moves(submitted)[-1]
    assert change.to_status == after and change.by == staff_user


def test_admin_pages_render(staff_client, submitted):
    assert (
        staff_client.get(CHANGELIST, {"account": submitted.account.name[:5], "status__exact": "submitted"}).status_code
        == 200
    )
    assert staff_client.get(reverse("admin:orders_order_change", args=[submitted.pk])).status_code == 200
    basket = submitted.baskets.get()
    assert staff_client.get(reverse("admin:orders_shippingbasket_change", args=[basket.pk])).status_code == 200
    product = basket.lines.get().product
    assert staff_client.get(reverse("admin:library_product_change", args=[product.pk])).status_code == 200
    BooksellerFactory()
    assert staff_client.get(reverse("admin:orders_bookseller_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:orders_bookseller_import")).status_code == 200


def test_booksellers_import_from_csv_updates_by_network_code():
    import tablib

    from orders.admin import BooksellerResource
    from orders.models import Bookseller

    BooksellerFactory(network_code="PR1", name="Ancien nom")
    dataset = tablib.Dataset(headers=["network_code", "name", "line1", "postcode", "city", "country", "is_active"])
    dataset.append(["PR1", "Le Furet du Nord", "15 place", "59000", "Lille", "FR", "1"])
    dataset.append(["PR2", "Mollat", "15 rue Vital-Carles", "33000", "Bordeaux", "FR", "1"])
    result = BooksellerResource().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    assert dict(Bookseller.objects.values_list("network_code", "name")) == {"PR1": "Le Furet du Nord", "PR2": "Mollat"}


def test_orders_filter_by_source_and_search_by_submitter(staff_client, customer):
    from_portal = submittable_order(account=customer.account, name="Par le portail")
    from_link = submittable_order(
        account=customer.account,
        name="Par le lien",
        source=OrderSource.GENERIC_LINK,
        submitter_name="Louise Vandamme",
        submitter_email="louise@librairie-turet.fr",
    )
    response = staff_client.get(CHANGELIST, {"source__exact": OrderSource.GENERIC_LINK})
    assert list(response.context["cl"].result_list) == [from_link]
    response = staff_client.get(CHANGELIST, {"source__exact": OrderSource.PORTAL})
    assert list(response.context["cl"].result_list) == [from_portal]
    for query in ("vandamme", "louise@librairie-turet"):
        response = staff_client.get(CHANGELIST, {"q": query})
        assert list(response.context["cl"].result_list) == [from_link]
