"""The demo school has invoices over the years: the older paid, the latest due; loading twice adds nothing."""

from __future__ import annotations

import pytest

from portal.numbering import numbering_check
from subscriptions.models import Invoice, InvoiceStatus, Payment
from workspace.demo import load_demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_school_has_paid_and_due_invoices():
    load_demo_data()
    invoices = list(Invoice.objects.with_amounts().order_by("issued_at"))
    assert len(invoices) >= 2
    assert {invoice.status for invoice in invoices[:-1]} == {InvoiceStatus.PAID}
    assert invoices[-1].status == InvoiceStatus.DUE
    assert len({invoice.issue_date.year for invoice in invoices}) >= 2
    before = (Invoice.objects.count(), Payment.objects.count())
    load_demo_data()
    assert (Invoice.objects.count(), Payment.objects.count()) == before
    assert all(report.ok for report in numbering_check(sequences=["invoice", "credit_note"]))
