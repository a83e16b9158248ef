"""Demo invoices of the demo school: its activated orders were invoiced at activation (the hook); the
older ones are paid (and deposited on Chorus Pro when the school is public), the latest one is due."""

from __future__ import annotations

import datetime

from django.db import transaction

from ..ordering import shop_today
from . import services
from .models import ChorusDeposit, DepositStatus, Invoice, Payment


@transaction.atomic
def demo_invoices(*, school_user, staff_user) -> int:
    """Payments of the demo school's invoices but the latest (idempotent: a paid invoice is left alone)."""
    account = school_user.account
    for order in account.subscription_orders.filter(status="activated").order_by("placed_at"):
        if not Invoice.objects.filter(order=order).exists():
            services.invoice_issue_for_order(order=order, actor=staff_user, now=order.activated_at)
    invoices = list(Invoice.objects.filter(account=account, credit_note__isnull=True).order_by("issued_at", "pk"))
    paid = 0
    for invoice in invoices[:-1]:
        deposit = ChorusDeposit.objects.filter(invoice=invoice, status=DepositStatus.TO_DEPOSIT).first()
        if deposit is not None:
            services.chorus_deposit_mark(
                deposit=deposit,
                status=DepositStatus.DEPOSITED,
                actor=staff_user,
                flow_number=f"CPP-{invoice.number}",
            )
        if Payment.objects.filter(invoice=invoice).exists():
            continue
        paid_on = min(invoice.issue_date + datetime.timedelta(days=24), shop_today())
        services.payment_record(
            invoice=invoice,
            method=invoice.payment_method,
            paid_on=paid_on,
            reference=f"MANDAT {invoice.issue_date.year}-{invoice.pk:04d}",
            amount=invoice.total_incl_tax,
            actor=staff_user,
        )
        paid += 1
    return paid
