"""An activated order is invoiced: numbered without gap in the kernel's sequence, totals per VAT rate,
the legal mentions, never edited afterwards; a credit note cancels it; staff record payments."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from portal.models import AuditEntry
from portal.numbering import numbering_check
from subscriptions import ordering
from subscriptions.invoicing import services
from subscriptions.invoicing.documents import render_invoice_html
from subscriptions.invoicing.models import ImmutableDocument
from subscriptions.models import Invoice, InvoiceLine, InvoiceStatus
from tests.factories import StaffUserFactory
from tests.subscriptions.factories import OfferFactory, place_order
from tests.subscriptions.invoice_helpers import activated_invoice, mixed_offers, school

pytestmark = pytest.mark.django_db


def test_activation_issues_the_invoice_with_vat_per_rate():
    invoice = activated_invoice()
    # 120.00 at 20 % and 45.50 at 2.1 %: each rate's VAT on its own base.
    rates = {format(row.rate, "f"): (row.excl_tax, row.vat) for row in invoice.tax_lines}
    assert rates == {"20": (Decimal("120.00"), Decimal("24.00")), "2.1": (Decimal("45.50"), Decimal("0.96"))}
    assert invoice.total_excl_tax == Decimal("165.50")
    assert invoice.total_vat == Decimal("24.96")
    assert invoice.total_incl_tax == Decimal("190.46")
    assert invoice.due_date == invoice.issue_date + datetime.timedelta(days=30)
    assert invoice.number.startswith(f"F{invoice.issue_date.year}-")
    assert invoice.status == InvoiceStatus.DUE
    assert AuditEntry.objects.filter(action=services.ISSUED, object_id=str(invoice.order_id)).exists()


def test_numbers_follow_each_other_without_gap():
    user = school(public=False)
    invoices = [activated_invoice(user, OfferFactory()) for _ in range(3)]
    values = [int(invoice.number.rsplit("-", 1)[1]) for invoice in invoices]
    assert values == list(range(values[0], values[0] + 3))
    check = {report.sequence.name: report for report in numbering_check(sequences=["invoice", "credit_note"])}
    assert check["invoice"].ok, check["invoice"].problems


def test_a_rolled_back_issue_gives_its_number_back():
    user = school(public=False)
    first = activated_invoice(user, OfferFactory())
    order = place_order(user, OfferFactory())
    with pytest.raises(RuntimeError), transaction.atomic():
        ordering.subscription_order_activate(order=order, actor=StaffUserFactory())
        raise RuntimeError("staff's browser closed")
    second = activated_invoice(user, OfferFactory())
    assert int(second.number.rsplit("-", 1)[1]) == int(first.number.rsplit("-", 1)[1]) + 1


def test_issuing_again_returns_the_same_invoice():
    invoice = activated_invoice()
    assert services.invoice_issue_for_order(order=invoice.order, actor=None) == invoice
    assert Invoice.objects.filter(order=invoice.order).count() == 1


def test_a_pending_order_is_not_invoiced():
    order = place_order(school(public=False), OfferFactory())
    with pytest.raises(services.InvoiceError):
        services.invoice_issue_for_order(order=order, actor=None)
    assert not Invoice.objects.exists()


def test_an_issued_invoice_is_never_edited_nor_deleted():
    invoice = activated_invoice()
    invoice.buyer_name = "Someone else"
    with pytest.raises(ImmutableDocument):
        invoice.save()
    with pytest.raises(ImmutableDocument):
        invoice.delete()
    line = invoice.lines.first()
    line.quantity = 99
    with pytest.raises(ImmutableDocument):
        line.save()
    invoice.refresh_from_db()
    assert invoice.buyer_name != "Someone else" and not InvoiceLine.objects.filter(quantity=99).exists()


def test_the_invoice_carries_the_legal_mentions():
    invoice = activated_invoice(public=True, engagement_number="EJ-77", service_code="SERV-COMPTA")
    html = render_invoice_html(invoice, "en")
    for mention in (
        invoice.number,
        invoice.order.number,
        "83265432100013",  # SIRET
        "832654321",  # SIREN
        "FR60832654321",  # VAT number
        "RCS",
        "12 rue des Typographes",
        invoice.buyer_name,
        "73282932000074",  # the buyer's SIRET
        "EJ-77",
        "SERV-COMPTA",
        "fixed indemnity of 40 €",
        "European Central Bank",
        "No discount for early payment",
        "VAT 2,1",
        "VAT 20",
        "Due date",
    ):
        assert mention in html, mention


def test_a_credit_note_cancels_the_invoice_and_the_order_is_invoiced_again():
    invoice = activated_invoice()
    staff = StaffUserFactory()
    credit_note = services.credit_note_issue(invoice=invoice, reason="Wrong establishment", actor=staff)
    assert credit_note.number.startswith("A") and credit_note.total_incl_tax == invoice.total_incl_tax
    invoice = Invoice.objects.with_amounts().get(pk=invoice.pk)
    assert invoice.status == InvoiceStatus.CANCELLED
    with pytest.raises(services.InvoiceError):
        services.credit_note_issue(invoice=invoice, reason="Again", actor=staff)
    with pytest.raises(services.InvoiceError) as refused:
        services.credit_note_issue(invoice=activated_invoice(), reason="  ", actor=staff)
    assert "reason" in refused.value.errors
    again = services.invoice_issue_for_order(order=invoice.order, actor=staff)
    assert again != invoice and again.number != invoice.number
    check = {report.sequence.name: report for report in numbering_check(sequences=["invoice", "credit_note"])}
    assert check["invoice"].ok and check["credit_note"].ok


def test_payments_make_the_invoice_partly_paid_then_paid():
    invoice = activated_invoice()
    staff = StaffUserFactory()
    today = ordering.shop_today()
    services.payment_record(
        invoice=invoice, method="transfer", paid_on=today, reference="VIR 1", amount=Decimal("100.00"), actor=staff
    )
    invoice = Invoice.objects.with_amounts().get(pk=invoice.pk)
    assert invoice.status == InvoiceStatus.PARTLY_PAID and invoice.remaining == Decimal("90.46")
    with pytest.raises(services.InvoiceError) as refused:
        services.payment_record(
            invoice=invoice, method="transfer", paid_on=today, reference="VIR 2", amount=Decimal("91"), actor=staff
        )
    assert "amount" in refused.value.errors
    services.payment_record(
        invoice=invoice, method="cheque", paid_on=today, reference="CHQ 5", amount=Decimal("90.46"), actor=staff
    )
    invoice = Invoice.objects.with_amounts().get(pk=invoice.pk)
    assert invoice.status == InvoiceStatus.PAID and invoice.remaining == 0


def test_a_payment_needs_a_reference_and_a_past_date():
    invoice = activated_invoice()
    with pytest.raises(services.InvoiceError) as refused:
        services.payment_record(
            invoice=invoice,
            method="cheque",
            paid_on=ordering.shop_today() + datetime.timedelta(days=2),
            reference="",
            amount=Decimal("1"),
            actor=None,
        )
    assert {"reference", "paid_on"} <= set(refused.value.errors)


def test_a_cancelled_invoice_takes_no_payment():
    invoice = activated_invoice()
    services.credit_note_issue(invoice=invoice, reason="Duplicate", actor=None)
    with pytest.raises(services.InvoiceError):
        services.payment_record(
            invoice=invoice, method="cheque", paid_on=ordering.shop_today(), reference="C", amount=1, actor=None
        )


def test_mixed_offers_helper_has_both_rates():
    assert {offer.vat_rate for offer in mixed_offers()} == {"20.0", "2.1"}
