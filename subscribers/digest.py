"""The section of the operator's digest about claims open for more than 10 days."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from subscriptions.digest import DigestSection

from .models import CLAIM_FLAG_DAYS, Claim

DIGEST_MAX_ROWS = 50


def open_claims_digest(now: datetime.datetime | None = None) -> DigestSection | None:
    """Claims open for more than 10 days, oldest first, or None when there are none."""
    now = now or timezone.now()
    claims = Claim.objects.flagged(now).select_related("account", "subscriber").order_by("opened_at", "pk")
    count = claims.count()
    if not count:
        return None
    lines = tuple(
        _("Claim %(id)s — %(account)s — %(subscriber)s — %(reason)s — open for %(days)s days")
        % {
            "id": claim.pk,
            "account": claim.account.name,
            "subscriber": claim.subscriber,
            "reason": claim.get_reason_display(),
            "days": (now - claim.opened_at).days,
        }
        for claim in claims[:DIGEST_MAX_ROWS]
    )
    url = settings.PORTAL_BASE_URL + reverse("admin:subscribers_claim_changelist") + "?flagged=yes&status__exact=open"
    return DigestSection(
        title=_("Claims open for more than %(days)d days") % {"days": CLAIM_FLAG_DAYS},
        count=count,
        lines=lines,
        url=url,
    )
