"""The school's invoices page and downloads: scoped (another account's is a 404), status shown, bounded
queries; a private school is e-mailed its invoice PDF in its language."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subscriptions import ordering
from subscriptions.invoicing import services
from tests.factories import SchoolFactory, UserFactory
from tests.subscriptions.factories import OfferFactory
from tests.subscriptions.invoice_helpers import activated_invoice, school

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_school_sees_its_invoices_and_their_status(client):
    user = school(public=False, language="en")
    due = activated_invoice(user)
    paid = activated_invoice(user, OfferFactory(price_excl_tax=Decimal("10.00")))
    services.payment_record(
        invoice=paid,
        method="cheque",
        paid_on=ordering.shop_today(),
        reference="CHQ",
        amount=Decimal("12.00"),
        actor=None,
    )
    cancelled = activated_invoice(user, OfferFactory())
    credit_note = services.credit_note_issue(invoice=cancelled, reason="Duplicate", actor=None)
    client.force_login(user)
    html = client.get(reverse("subscriptions:invoices")).content.decode()
    assert due.number in html and "190,46" in html and "Due" in html
    assert paid.number in html and "Paid" in html
    assert credit_note.number in html and "Cancelled by a credit note" in html
    assert reverse("subscriptions:invoice_pdf", args=[due.pk]) in html


def test_another_accounts_invoices_are_hidden_and_a_404(client):
    invoice = activated_invoice()
    client.force_login(UserFactory(account=SchoolFactory()))
    assert invoice.number not in client.get(reverse("subscriptions:invoices")).content.decode()
    assert client.get(reverse("subscriptions:invoice_pdf", args=[invoice.pk])).status_code == 404


def test_the_invoice_pdf_downloads_with_its_legal_mentions(
    client, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    user = school(public=False, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = activated_invoice(user)
    client.force_login(user)
    response = client.get(reverse("subscriptions:invoice_pdf", args=[invoice.pk]), follow=True)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "invoice.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert invoice.number in text and "FR60832654321" in text and "40 €" in text


def test_the_invoices_page_queries_do_not_grow(client):
    user = school(public=True, language="en")
    activated_invoice(user)
    client.force_login(user)
    client.get(reverse("subscriptions:invoices"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("subscriptions:invoices"))
    for _ in range(4):
        invoice = activated_invoice(user, OfferFactory())
        services.payment_record(
            invoice=invoice, method="transfer", paid_on=ordering.shop_today(), reference="V", amount=1, actor=None
        )
    services.credit_note_issue(invoice=invoice, reason="Mistake", actor=None)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("subscriptions:invoices")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_private_school_is_emailed_its_invoice_pdf(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    user = school(public=False, language="en", email="bursar@private-school.fr")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = activated_invoice(user)
    messages = [message for message in mail.outbox if invoice.number in message.subject]
    assert len(messages) == 1
    message = messages[0]
    assert message.to == ["bursar@private-school.fr"]
    assert "Please find attached invoice" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert filename == invoice.pdf_filename and mimetype == "application/pdf" and content.startswith(b"%PDF")


def test_a_public_school_is_not_emailed_but_queued_for_chorus(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):
        invoice = activated_invoice(public=True)
    assert not [message for message in mail.outbox if invoice.number in message.subject]
    assert invoice.chorus_deposit.status == "to_deposit"
