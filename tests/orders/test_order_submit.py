"""order_submit: the rules, the number, exactly once, e-mails in the customer's language, all or nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from orders import services
from orders.models import Order, OrderStatus
from tests.factories import UserFactory
from tests.orders.factories import BasketFactory, status_moves, submittable_order

pytestmark = pytest.mark.django_db


def submit(order, user, capture):
    with capture(execute=True):
        return services.order_submit(order_id=order.pk, user=user)


@override_settings(SHOP_EMAIL="atelier@example.fr")
def test_submit_numbers_records_and_emails(customer, django_capture_on_commit_callbacks):
    order = submittable_order(account=customer.account, baskets=2, lines=2, name="Printemps")
    submitted = submit(order, customer, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    assert order.number == submitted.number == f"C{timezone.localdate(order.submitted_at).year}-000001"
    (change,) = status_moves(order)
    assert (change.from_status, change.to_status, change.by) == ("draft", "submitted", customer)
    assert order.submitter_email == customer.email
    to_customer, to_shop = sorted(mail.outbox, key=lambda m: m.to[0] != customer.email)
    assert to_customer.to == [customer.email] and order.number in to_customer.subject
    assert "Votre commande" in to_customer.subject
    assert to_shop.to == ["atelier@example.fr"] and order.account.name in to_shop.subject


def test_customer_email_follows_the_customer_language(django_capture_on_commit_callbacks):
    english = UserFactory(language="en")
    order = submittable_order(account=english.account, name="Spring")
    order = submit(order, english, django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == [english.email])
    assert message.subject.endswith(f"Your order {order.number} is validated")
    assert "We have received your order" in message.body


def test_numbers_follow_each_other_in_the_year_whatever_the_ids(customer, django_capture_on_commit_callbacks):
    first = submittable_order(account=customer.account, name="A")
    submittable_order(account=customer.account, name="Brouillon jamais envoyé")
    second = submittable_order(account=customer.account, name="B")
    submit(second, customer, django_capture_on_commit_callbacks)
    submit(first, customer, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    second.refresh_from_db()
    year = timezone.localdate().year
    assert (second.number, first.number) == (f"C{year}-000001", f"C{year}-000002")


def test_second_submission_is_refused_and_changes_nothing(customer, django_capture_on_commit_callbacks):
    order = submittable_order(account=customer.account, name="Printemps")
    submit(order, customer, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with pytest.raises(services.OrderAlreadySubmitted):
        submit(order, customer, django_capture_on_commit_callbacks)
    assert len(status_moves(order)) == 1 and mail.outbox == []


def test_no_basket_is_refused(customer):
    order = Order.objects.create(account=customer.account, name="Vide")
    with pytest.raises(services.OrderIncomplete, match="aucun panier"):
        services.order_submit(order_id=order.pk, user=customer)
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT and order.number is None


def test_basket_without_line_is_refused(customer):
    order = submittable_order(account=customer.account, name="Printemps")
    BasketFactory(order=order, company="Sans produit")
    with pytest.raises(services.OrderIncomplete, match="Sans produit"):
        services.order_submit(order_id=order.pk, user=customer)


def test_unnamed_order_is_refused(customer):
    order = submittable_order(account=customer.account, name="")
    with pytest.raises(services.OrderIncomplete, match="nom"):
        services.order_submit(order_id=order.pk, user=customer)


def test_failure_while_validating_leaves_the_draft_as_it_was(customer, monkeypatch):
    order = submittable_order(account=customer.account, name="Printemps")

    def broken(**kwargs):
        raise RuntimeError("mail template exploded")

    monkeypatch.setattr(services, "send_templated_email", broken)
    with pytest.raises(RuntimeError):
        services.order_submit(order_id=order.pk, user=customer)
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT and order.number is None and order.submitted_at is None
    assert not status_moves(order)


def test_resubmission_after_changes_keeps_the_number(customer, staff_user, django_capture_on_commit_callbacks):
    order = submittable_order(account=customer.account, name="Printemps")
    submit(order, customer, django_capture_on_commit_callbacks)
    number = Order.objects.get(pk=order.pk).number
    with django_capture_on_commit_callbacks(execute=True):
        services.order_request_changes(order_id=order.pk, by=staff_user, message="Couverture floue")
    submit(order, customer, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED and order.number == number
    assert [move.to_status for move in status_moves(order)] == [
        "submitted",
        "changes_requested",
        "submitted",
    ]
    # The resubmission took no number of its own: the next order gets the very next one.
    following = submittable_order(account=customer.account, name="Été")
    following = submit(following, customer, django_capture_on_commit_callbacks)
    assert following.number == f"C{timezone.localdate().year}-000002"


def test_submit_view_shows_the_problem(customer_client, customer):
    order = Order.objects.create(account=customer.account, name="Vide")
    response = customer_client.post(f"/orders/{order.pk}/submit/", follow=True)
    assert "aucun panier" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT


def test_a_visitor_submission_is_numbered_and_recorded_like_any_other_without_a_user_or_e_mail(
    django_capture_on_commit_callbacks,
):
    order = submittable_order(account=UserFactory().account, name="Recueil")
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.order_submit_for_visitor(
            order_id=order.pk, submitter_name="Jeanne Martin", submitter_email="jeanne@example.fr", message="lien"
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    assert order.number == submitted.number == f"C{timezone.localdate(order.submitted_at).year}-000001"
    assert (order.submitter_name, order.submitter_email) == ("Jeanne Martin", "jeanne@example.fr")
    (change,) = status_moves(order)
    assert (change.from_status, change.to_status, change.by, change.message) == (
        "draft",
        "submitted",
        None,
        "lien",
    )
    assert change.at == order.submitted_at
    assert mail.outbox == []  # the visitor's flow sends its own receipts


def test_a_visitor_submission_follows_the_same_refusals(django_capture_on_commit_callbacks):
    order = Order.objects.create(account=UserFactory().account, name="Vide")
    visitor = {"submitter_name": "Jeanne", "submitter_email": "jeanne@example.fr"}
    with pytest.raises(services.OrderIncomplete):
        services.order_submit_for_visitor(order_id=order.pk, **visitor)
    order = submittable_order(account=order.account, name="Recueil")
    services.order_submit_for_visitor(order_id=order.pk, **visitor)
    with pytest.raises(services.OrderAlreadySubmitted):
        services.order_submit_for_visitor(order_id=order.pk, **visitor)
    assert len(status_moves(order)) == 1
