"""French money and rate formats for the shop's pages, whatever the language of the page."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from subscriptions import pricing

register = template.Library()


@register.filter
def euros(amount: Decimal) -> str:
    return pricing.format_money(amount)


@register.filter
def vat_percent(rate) -> str:
    return pricing.format_rate(Decimal(rate))


@register.filter
def frdate(moment: datetime.datetime | datetime.date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment).date()
    return moment.strftime("%d/%m/%Y")
