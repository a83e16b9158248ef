"""Staff record payments and issue credit notes from an invoice's page, and work the Chorus Pro queue."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from subscriptions.models import ChorusDeposit, CreditNote, Invoice, InvoiceStatus, SubscriptionOrder
from tests.factories import StaffUserFactory
from tests.subscriptions.factories import OfferFactory, place_order
from tests.subscriptions.invoice_helpers import activated_invoice, school

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(StaffUserFactory(is_superuser=True, language="en"))
    return client


def test_staff_record_a_payment_and_errors_stay_next_to_the_field(admin_client):
    invoice = activated_invoice()
    url = reverse("admin:subscriptions_invoice_payment", args=[invoice.pk])
    assert admin_client.get(url).status_code == 200
    refused = admin_client.post(url, {"method": "transfer", "paid_on": "2026-01-05", "reference": "", "amount": "9999"})
    assert refused.status_code == 200 and not invoice.payments.exists()
    assert {"reference", "amount"} <= set(refused.context["form"].errors)
    response = admin_client.post(
        url, {"method": "transfer", "paid_on": "2026-01-05", "reference": "VIR 42", "amount": "190.46"}
    )
    assert response.status_code == 302
    assert Invoice.objects.with_amounts().get(pk=invoice.pk).status == InvoiceStatus.PAID


def test_staff_cancel_an_invoice_by_a_credit_note(admin_client):
    invoice = activated_invoice()
    url = reverse("admin:subscriptions_invoice_credit_note", args=[invoice.pk])
    assert admin_client.post(url, {"reason": ""}).status_code == 200
    assert not CreditNote.objects.exists()
    assert admin_client.post(url, {"reason": "Wrong school"}).status_code == 302
    assert CreditNote.objects.get().invoice == invoice


def test_staff_download_the_pdf_and_see_the_invoice(admin_client):
    invoice = activated_invoice(public=True)
    response = admin_client.get(reverse("admin:subscriptions_invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert admin_client.get(reverse("admin:subscriptions_invoice_change", args=[invoice.pk])).status_code == 200
    assert admin_client.get(reverse("admin:subscriptions_invoice_changelist")).status_code == 200


def test_the_queue_to_deposit_marks_deposited_and_rejected(admin_client):
    deposit = activated_invoice(public=True).chorus_deposit
    changelist = reverse("admin:subscriptions_chorusdeposit_changelist")
    page = admin_client.get(changelist + "?status__exact=to_deposit").content.decode()
    assert deposit.invoice.number in page
    reject = reverse("admin:subscriptions_chorusdeposit_reject", args=[deposit.pk])
    assert admin_client.post(reject, {"reason": ""}).status_code == 200
    assert admin_client.post(reject, {"reason": "SIRET inconnu"}).status_code == 302
    deposit.refresh_from_db()
    assert deposit.status == "rejected" and deposit.reason == "SIRET inconnu"
    admin_client.post(changelist, {"action": "mark_deposited", "_selected_action": [deposit.pk]})
    deposit.refresh_from_db()
    assert deposit.status == "deposited" and deposit.reason == "" and not deposit.by_api


def test_an_order_is_invoiced_by_hand_from_the_orders_list(admin_client):
    user = school(public=False)
    order = place_order(user, OfferFactory())
    SubscriptionOrder.objects.filter(pk=order.pk).update(status="activated", activated_at=order.placed_at)
    admin_client.post(
        reverse("admin:subscriptions_subscriptionorder_changelist"),
        {"action": "issue_invoices", "_selected_action": [order.pk]},
    )
    assert Invoice.objects.get(order=order).total_incl_tax == Decimal("120.00")
    assert not ChorusDeposit.objects.exists()


def test_the_admin_index_counts_the_invoices_to_deposit(admin_client):
    activated_invoice(public=True)
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "1 invoice waits to be deposited on Chorus Pro" in html
