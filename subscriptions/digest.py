"""The shop's daily report of orders still waiting for their activation after 72 hours.

``pending_activation_digest()`` gives the section (or None when nothing is late), for the shop's own
daily e-mail below and for the operator's digest of every feature's sections.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.emails import send_templated_email
from portal.models import AuditEntry
from portal.upkeep import DigestItem
from portal.upkeep import DigestSection as StaffDigestSection

from .models import SubscriptionOrder
from .services import SHOP_TIME_ZONE

DIGEST_ACTION = "digest_sent"
#: The section names this many orders at most (the count says how many there are).
DIGEST_MAX_ROWS = 50


@dataclass(frozen=True)
class DigestSection:
    title: str
    count: int
    lines: tuple[str, ...]
    url: str


def staff_section(section: DigestSection | None) -> StaffDigestSection | None:
    """The same section as one of the operator's daily staff digest (``portal.upkeep.register_digest``)."""
    if section is None:
        return None
    return StaffDigestSection(
        title=section.title,
        items=[DigestItem(text=line) for line in section.lines],
        total=section.count,
        more_url=section.url,
    )


def overdue_orders(now: datetime.datetime | None = None):
    return SubscriptionOrder.objects.overdue(now).select_related("account").order_by("placed_at", "pk")


def pending_activation_digest(now: datetime.datetime | None = None) -> DigestSection | None:
    """Orders submitted more than 72 hours ago and not yet activated (oldest first), or None."""
    now = now or timezone.now()
    orders = overdue_orders(now)
    count = orders.count()
    if not count:
        return None
    lines = tuple(
        _("%(number)s — %(account)s — validated %(day)s, %(hours)s hours ago")
        % {
            "number": order.number,
            "account": order.account.name,
            "day": timezone.localtime(order.placed_at, SHOP_TIME_ZONE).strftime("%d/%m/%Y %H:%M"),
            "hours": int((now - order.placed_at).total_seconds() // 3600),
        }
        for order in orders[:DIGEST_MAX_ROWS]
    )
    url = settings.PORTAL_BASE_URL + reverse("admin:subscriptions_subscriptionorder_changelist") + "?overdue=yes"
    return DigestSection(
        title=_("School orders waiting for activation for more than 72 hours"), count=count, lines=lines, url=url
    )


def _sent_today(today: datetime.date) -> bool:
    content_type = ContentType.objects.get_for_model(SubscriptionOrder)
    return AuditEntry.objects.filter(
        content_type=content_type, action=DIGEST_ACTION, message=f"pending activations {today.isoformat()}"
    ).exists()


@transaction.atomic
def pending_activation_digest_send(*, now: datetime.datetime | None = None) -> bool:
    """E-mail the section to the shop, once a day at most (a second run the same day sends nothing).
    Returns whether an e-mail was sent."""
    now = now or timezone.now()
    today = timezone.localtime(now, SHOP_TIME_ZONE).date()
    # The day's mark is an audit row, taken under a lock on the orders table's oldest waiting row so two
    # beats by mistake do not both send.
    list(SubscriptionOrder.objects.overdue(now).select_for_update().order_by("pk").values_list("pk")[:1])
    if _sent_today(today):
        return False
    section = pending_activation_digest(now)
    if section is None:
        return False
    audit_record(
        actor=None,
        actor_label="digest",
        action=DIGEST_ACTION,
        obj=SubscriptionOrder,
        message=f"pending activations {today.isoformat()}",
        at=now,
    )
    send_templated_email(
        template="subscriptions/pending_activation_digest",
        to=[settings.SHOP_EMAIL],
        context={"title": section.title, "count": section.count, "lines": list(section.lines), "url": section.url},
        language=settings.LANGUAGE_CODE,
    )
    return True
