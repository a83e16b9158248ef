"""The worker's side of invoicing: a Chorus Pro deposit is a background job (queue ``imports``)."""

from __future__ import annotations

from portal.jobs import job_task

from .services import KIND_CHORUS_DEPOSIT, chorus_deposit_run


@job_task(kind=KIND_CHORUS_DEPOSIT, queue="imports")
def deposit_invoice_on_chorus(job, progress):
    """Deposit one invoice on Chorus Pro; a redelivery finds it deposited and does nothing."""
    deposit = chorus_deposit_run(deposit_id=int(job.payload["deposit"]))
    return {"status": deposit.status, "flow_number": deposit.flow_number, "reason": deposit.reason}
