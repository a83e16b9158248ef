"""Helpers of the school-access tests: a directory row, a cart with offers, the link of a sent e-mail."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from subscriptions.models import Establishment
from tests.subscriptions.factories import OfferFactory

PUBLIC_UAI = "0750655E"
PRIVATE_UAI = "0753217P"  # a private school of the directory with no academic address


def directory_row(uai: str = PUBLIC_UAI, **fields) -> Establishment:
    defaults = {
        "name": "Lycée Jules Ferry",
        "kind": "Lycée",
        "status": "public",
        "street": "77 boulevard de Clichy",
        "postcode": "75009",
        "city": "Paris",
        "academy_code": "01",
        "academy": "Paris",
        "email": f"ce.{uai.lower()}@ac-paris.fr",
        "siret": "19750655900013",
    }
    defaults.update(fields)
    return Establishment.objects.create(uai=uai, **defaults)


def fill_cart(client, offers: int = 1) -> list:
    made = [OfferFactory() for _ in range(offers)]
    for offer in made:
        client.post(reverse("subscriptions:cart_add"), {"offer": offer.pk, "quantity": 2})
    return made


def link_in(message, prefix: str) -> str:
    """The first address in the message's text that starts with the portal's ``prefix`` path."""
    match = re.search(rf"https?://[^\s]*{re.escape(prefix)}[^\s]*", message.body)
    assert match, message.body
    return "/" + match.group(0).split("://", 1)[1].split("/", 1)[1]


def outbox_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]
