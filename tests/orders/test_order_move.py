"""Staff moves through the same services: recorded, e-mailed to the customer in their language, guarded."""

from __future__ import annotations

import pytest
from django.core import mail

from orders import services
from orders.models import IllegalTransition, OrderStatus
from tests.factories import UserFactory
from tests.orders.factories import status_moves, submittable_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(customer, django_capture_on_commit_callbacks):
    order = submittable_order(account=customer.account, name="Printemps")
    with django_capture_on_commit_callbacks(execute=True):
        services.order_submit(order_id=order.pk, user=customer)
    mail.outbox.clear()
    return order


def test_the_whole_staff_path_is_recorded_and_emailed(
    submitted, staff_user, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.order_accept(order_id=submitted.pk, by=staff_user)
        services.order_start_production(order_id=submitted.pk, by=staff_user)
        services.order_ship(order_id=submitted.pk, by=staff_user, tracking_reference=" 6A123456789 ")
        services.order_complete(order_id=submitted.pk, by=staff_user)
    submitted.refresh_from_db()
    assert submitted.status == OrderStatus.COMPLETED and submitted.tracking_reference == "6A123456789"
    moves = [(move.from_status, move.to_status, move.by.pk) for move in status_moves(submitted)]
    assert moves[1:] == [
        ("submitted", "accepted", staff_user.pk),
        ("accepted", "in_production", staff_user.pk),
        ("in_production", "shipped", staff_user.pk),
        ("shipped", "completed", staff_user.pk),
    ]
    assert [m.to for m in mail.outbox] == [[customer.email]] * 4
    assert "6A123456789" in mail.outbox[2].body


def test_pickup_path(submitted, staff_user):
    services.order_accept(order_id=submitted.pk, by=staff_user)
    services.order_start_production(order_id=submitted.pk, by=staff_user)
    order = services.order_mark_ready_for_pickup(order_id=submitted.pk, by=staff_user)
    assert order.status == OrderStatus.READY_FOR_PICKUP


def test_status_email_is_in_the_customer_language(django_capture_on_commit_callbacks, staff_user):
    english = UserFactory(language="en")
    order = submittable_order(account=english.account, name="Spring")
    with django_capture_on_commit_callbacks(execute=True):
        services.order_submit(order_id=order.pk, user=english)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_request_changes(order_id=order.pk, by=staff_user, message="The cover is blurred.")
    (message,) = mail.outbox
    assert "Changes requested" in message.subject
    assert "The cover is blurred." in message.body and "Message from the print shop" in message.body


def test_illegal_moves_raise_and_change_nothing(submitted, staff_user):
    with pytest.raises(IllegalTransition):
        services.order_complete(order_id=submitted.pk, by=staff_user)
    with pytest.raises(IllegalTransition):
        services.order_move(order_id=submitted.pk, to_status=OrderStatus.SUBMITTED, by=staff_user)
    submitted.refresh_from_db()
    assert submitted.status == OrderStatus.SUBMITTED and len(status_moves(submitted)) == 1


def test_ship_needs_a_tracking_reference_and_changes_need_a_message(submitted, staff_user):
    with pytest.raises(services.OrderError):
        services.order_request_changes(order_id=submitted.pk, by=staff_user, message="  ")
    services.order_accept(order_id=submitted.pk, by=staff_user)
    services.order_start_production(order_id=submitted.pk, by=staff_user)
    with pytest.raises(services.OrderError):
        services.order_ship(order_id=submitted.pk, by=staff_user, tracking_reference="")
    submitted.refresh_from_db()
    assert submitted.status == OrderStatus.IN_PRODUCTION


def test_cancel_records_the_message(submitted, staff_user):
    order = services.order_cancel(order_id=submitted.pk, by=staff_user, message="Doublon")
    assert order.status == OrderStatus.CANCELLED
    assert status_moves(order)[-1].message == "Doublon"
