"""French money, rate and date formats for quotes, whatever the language of the page."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from quotes import pricing

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """``1 234,56 €``, or "on request" when there is no price."""
    return pricing.format_money(amount, on_request=_("on request"))


@register.filter
def vat_rate(rate: Decimal) -> str:
    return pricing.format_rate(rate)


@register.filter
def frdate(day: datetime.date | datetime.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        from django.utils import timezone

        day = timezone.localtime(day).date()
    return pricing.format_date(day)


@register.filter
def css_string(value) -> str:
    """Text safe inside a double-quoted CSS string of a <style> element."""
    from django.utils.safestring import mark_safe

    escaped = "".join(c if c.isalnum() or c in " .,-_·:/()" else f"\\{ord(c):x} " for c in str(value))
    return mark_safe(escaped)  # noqa: S308 — every other character is a CSS hex escape
