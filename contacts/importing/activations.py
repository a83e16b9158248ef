"""Invitations for the contacts of an imported file, through the contacts' own service."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.db.models import Q
from django.db.models.functions import Lower

from contacts.models import User
from contacts.services import contact_invite


def send_activation_requests(
    *,
    emails: Iterable[list[str]],
    sent_by_id: int | None,
    not_since: datetime.datetime,
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
) -> dict:
    """Invite each not-registered contact among ``emails`` (batches), unless invited since ``not_since``.

    The ``not_since`` guard makes a redelivered task skip the contacts it already invited.
    """
    sent_by = User.objects.filter(pk=sent_by_id).first() if sent_by_id else None
    sent = skipped = seen = 0
    for batch in emails:
        seen += len(batch)
        contacts = (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=batch, state=User.State.NOT_REGISTERED)
            .filter(Q(invitation_sent_at__isnull=True) | Q(invitation_sent_at__lt=not_since))
        )
        for contact in contacts:
            contact_invite(contact=contact, sent_by=sent_by)
            sent += 1
        skipped += len(batch) - len(contacts)
        if progress:
            progress(seen, max(total, seen))
    return {"sent": sent, "skipped": skipped}
