"""Reads of the shop."""

from __future__ import annotations

from .models import Offer


def active_offers():
    return Offer.objects.active().order_by("kind", "name_fr", "pk")
