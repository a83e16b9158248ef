"""Subscribers, subscriptions and claims for the subscribers' space tests."""

from __future__ import annotations

import datetime

from subscriptions.models import Subscriber, Subscription
from tests.subscriptions.factories import OfferFactory


def subscriber_for(account, **fields) -> Subscriber:
    values = {
        "kind": Subscriber.Kind.PERSON,
        "title": "Mme",
        "first_name": "Claire",
        "last_name": "Dubois",
        "company": "Médiathèque du Nord",
        "line1": "12 rue des Arts",
        "postcode": "59100",
        "city": "Roubaix",
        "email": "claire.dubois@mediatheque.test",
    }
    values.update(fields)
    return Subscriber.objects.create(account=account, **values)


def subscription_for(subscriber, *, status=Subscription.Status.ACTIVE, offer=None) -> Subscription:
    today = datetime.date(2026, 9, 1)
    dated = status in (Subscription.Status.ACTIVE, Subscription.Status.EXPIRED)
    return Subscription.objects.create(
        account_id=subscriber.account_id,
        subscriber=subscriber,
        offer=offer or OfferFactory(kind="periodical"),
        status=status,
        starts_on=today if dated else None,
        ends_on=today + datetime.timedelta(days=364) if dated else None,
    )


def form_data(**overrides) -> dict:
    data = {
        "title": "M.",
        "first_name": "Jean",
        "last_name": "Lefèvre",
        "company": "Ministère de la Culture",
        "department": "Documentation",
        "building": "",
        "line1": "182 rue Saint-Honoré",
        "line2": "",
        "locality": "",
        "postcode": "75001",
        "city": "Paris",
        "cedex": "",
        "country": "FR",
        "email": "jean.lefevre@culture.test",
        "phone": "01 40 15 80 00",
        "fax": "",
        "grant_login": "no",
    }
    data.update(overrides)
    return data
