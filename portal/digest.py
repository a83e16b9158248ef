"""The daily staff digest: what the features' digest sections (``portal.upkeep.register_digest``) report,
e-mailed to each active staff member in their language, once per day.

Once per day is the outbox's idempotency key: ``uuid5(staff-digest, day, address)``. A second beat, a
task delivered twice, or a run by hand the same day finds the key recorded and sends nothing more.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from .emails import render_templated_email
from .models import OutgoingEmail
from .outbox import outbox_record
from .upkeep import digest_sections

NAMESPACE = uuid.UUID("5d3c8b9e-3f0e-4c51-9a55-2f1b4e7f0d11")


def digest_key(*, day: datetime.date, email: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"staff-digest:{day.isoformat()}:{email.lower()}")


def digest_recipients() -> list[tuple[str, str]]:
    """(e-mail, language) of each active staff member, or of ``STAFF_DIGEST_EMAILS`` when it is set."""
    if settings.STAFF_DIGEST_EMAILS:
        return [(email, settings.LANGUAGE_CODE) for email in settings.STAFF_DIGEST_EMAILS]
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="").order_by("pk")
    return list(staff.values_list("email", "language")[:200])


def staff_digest_send(*, now: datetime.datetime | None = None) -> int:
    """Record today's digest for each recipient who has not had it; the number recorded. Nothing is
    sent on a day when no section has anything to report."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    recorded = 0
    for email, language in digest_recipients():
        key = digest_key(day=day, email=email)
        if OutgoingEmail.objects.filter(key=key).exists():
            continue
        with translation.override(language):
            sections = digest_sections(now=now)
        if not sections:
            continue
        rendered = render_templated_email(
            template="portal/staff_digest", context={"sections": sections, "day": day}, language=language
        )
        try:
            with transaction.atomic():
                outbox_record(to=[email], key=key, **rendered)
        except IntegrityError:  # a second run at the same moment recorded it first
            continue
        recorded += 1
    return recorded
