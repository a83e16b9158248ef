"""Reads of the generic link: the one link, its state, and today's usage in the shop's time zone."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from files.models import ProductFile
from orders.models import Order

from .models import SubmissionLink


class Unavailable:
    """Why a link does not accept submissions (each has its own page)."""

    UNKNOWN = "unknown"
    DISABLED = "disabled"
    EXPIRED = "expired"
    NOT_CONFIGURED = "not_configured"


@dataclass(frozen=True)
class Usage:
    jobs: int
    bytes: int


def new_token() -> str:
    return secrets.token_urlsafe(32)


def submission_link_current() -> SubmissionLink:
    """The one link of the shop, created (turned off) the first time anybody asks for it."""
    link = SubmissionLink.objects.select_related("account").order_by("pk").first()
    if link is None:
        link, _ = SubmissionLink.objects.select_related("account").get_or_create(pk=1, defaults={"token": new_token()})
    return link


def submission_link_by_token(token: str) -> SubmissionLink | None:
    return SubmissionLink.objects.filter(token=token).first() if token else None


def submission_link_unavailable_reason(link: SubmissionLink | None, *, now: datetime | None = None) -> str | None:
    if link is None:
        return Unavailable.UNKNOWN
    if not link.is_enabled:
        return Unavailable.DISABLED
    if link.expires_at is not None and link.expires_at <= (now or timezone.now()):
        return Unavailable.EXPIRED
    if link.account_id is None:
        return Unavailable.NOT_CONFIGURED
    return None


def local_day_start(now: datetime | None = None) -> datetime:
    """Midnight of the current day in the shop's time zone (settings.TIME_ZONE), as an aware datetime."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def submission_usage_today(*, now: datetime | None = None) -> Usage:
    """Jobs received through the link since local midnight, and the bytes of their files."""
    orders = Order.objects.filter(source=Order.Source.GENERIC_LINK, submitted_at__gte=local_day_start(now))
    jobs = orders.count()
    used = ProductFile.objects.filter(product__basket_lines__basket__order__in=orders).aggregate(total=Sum("size"))
    return Usage(jobs=jobs, bytes=used["total"] or 0)


def submission_bytes_allowed(link: SubmissionLink, usage: Usage) -> int:
    """The largest file that may still come in now: the per-job cap or what is left of the day's."""
    return max(0, min(link.max_bytes_per_job, link.max_bytes_per_day - usage.bytes))


def submission_link_url(link: SubmissionLink) -> str:
    return settings.PORTAL_BASE_URL + reverse("submission:submit", args=[link.token])
