"""The order e-mails carry an HTML version with the same content as the text, in the recipient's language."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import override_settings

from orders import services
from tests.factories import StaffUserFactory, UserFactory
from tests.orders.factories import submittable_order

pytestmark = pytest.mark.django_db


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@override_settings(SHOP_EMAIL="atelier@example.fr", PORTAL_BASE_URL="https://portail.example.fr")
def test_submission_emails_have_html_versions(django_capture_on_commit_callbacks):
    customer = UserFactory(email="camille@phare.example.fr", first_name="Camille", language="fr")
    order = submittable_order(
        account=customer.account,
        baskets=2,
        name="Tirage <de> printemps",
        customer_reference="BC-12",
        wished_delivery_date=datetime.date(2031, 5, 20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.order_submit(order_id=order.pk, user=customer)
    order.refresh_from_db()
    to_customer = next(m for m in mail.outbox if m.to == [customer.email])
    to_shop = next(m for m in mail.outbox if m.to == ["atelier@example.fr"])

    html = html_of(to_customer)
    assert '<html lang="fr">' in html
    assert "Bonjour Camille," in html
    assert order.number in html and "Tirage &lt;de&gt; printemps" in html  # escaped, not markup
    assert "2 paniers d’expédition" in html
    assert "BC-12" in html and "20 mai 2031" in html
    assert f'href="https://portail.example.fr/orders/{order.pk}/"' in html
    assert "Voir ma commande" in html
    assert "BC-12" in to_customer.body  # the text version stays

    html = html_of(to_shop)
    assert order.number in html and order.account.name in html
    assert f'href="https://portail.example.fr/admin/orders/order/{order.pk}/change/"' in html
    assert "mailto:camille@phare.example.fr" in html


@override_settings(PORTAL_BASE_URL="https://portail.example.fr")
def test_status_email_html_follows_the_language_and_escapes_the_message(django_capture_on_commit_callbacks):
    customer = UserFactory(language="en")
    order = submittable_order(account=customer.account, name="Spring")
    with django_capture_on_commit_callbacks(execute=True):
        services.order_submit(order_id=order.pk, user=customer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_request_changes(
            order_id=order.pk, by=StaffUserFactory(), message="Page 3 is blank.\n<b>Send</b> it again."
        )
    [message] = mail.outbox
    html = html_of(message)
    assert '<html lang="en">' in html
    assert "Changes requested" in html
    assert "Page 3 is blank.<br>&lt;b&gt;Send&lt;/b&gt; it again." in html
    assert "See my order" in html and f"/orders/{order.pk}/" in html
