"""Demo data of the subscribers' space: an agency's client (a network of libraries) with its subscribers,
two years of their subscriptions, claims with their threads, changes passed to customer service, and one
subscriber with a login of its own. Idempotent: nothing is added once the client has subscribers."""

from __future__ import annotations

import datetime

from django.db import transaction

from contacts.models import Account, User
from subscriptions.models import Offer, Subscriber, Subscription

from .models import AddressChange, Claim, ClaimMessage, SubscriberLogin

CLIENT_EMAIL = "agence@demo.colophon.test"
SUBSCRIBER_EMAIL = "abonne@demo.colophon.test"

_PEOPLE = [
    ("Mme", "Claire", "Dubois", "Médiathèque Jean-Lévy", "Périodiques", "32 rue Edouard-Delesalle", "59000", "Lille"),
    ("M.", "Karim", "Benali", "Médiathèque de Roubaix", "Fonds local", "2 rue Pierre-Motte", "59100", "Roubaix"),
    ("Mme", "Sophie", "Lefebvre", "Bibliothèque de Tourcoing", "", "4 place Roussel", "59200", "Tourcoing"),
    (
        "M.",
        "Thomas",
        "Petit",
        "Médiathèque de Villeneuve-d’Ascq",
        "Jeunesse",
        "Rue Jean-Jaurès",
        "59650",
        "Villeneuve-d’Ascq",
    ),
    ("Mme", "Aurélie", "Roussel", "Bibliothèque de Wattrelos", "", "12 rue Carnot", "59150", "Wattrelos"),
    ("M.", "Julien", "Leroy", "Médiathèque de Lambersart", "Adultes", "Avenue de l’Hippodrome", "59130", "Lambersart"),
    (
        "Mme",
        "Nadia",
        "Moreau",
        "Direction de la lecture publique",
        "Acquisitions",
        "Hôtel de ville, place Augustin-Laurent",
        "59000",
        "Lille",
    ),
    ("M.", "Pierre", "Fournier", "Médiathèque de Marcq-en-Barœul", "", "Rue Albert-Bailly", "59700", "Marcq-en-Barœul"),
]


def _client(staff_password_from: User | None) -> tuple[Account, User]:
    account, _created = Account.objects.get_or_create(
        name="Réseau des médiathèques de la Métropole",
        defaults={"kind": Account.Kind.COMPANY, "email": CLIENT_EMAIL},
    )
    user, created = User.objects.get_or_create(
        email=CLIENT_EMAIL, defaults={"account": account, "first_name": "Hélène", "last_name": "Vasseur"}
    )
    if created and staff_password_from is not None:
        user.password = staff_password_from.password  # the demo password, already hashed
        user.save(update_fields=["password"])
    return account, user


@transaction.atomic
def demo_agency_subscribers(*, staff_user: User, now: datetime.datetime) -> int:
    """The agency client and its subscribers (returns how many rows were created)."""
    account, client = _client(staff_user)
    if Subscriber.objects.filter(account=account).exists():
        return 0
    gazette = Offer.objects.filter(kind=Offer.Kind.PERIODICAL).order_by("pk").first()
    if gazette is None:
        return 0
    created = 0
    today = now.date()
    subscribers = []
    for index, (title, first, last, company, department, line1, postcode, city) in enumerate(_PEOPLE):
        subscriber = Subscriber.objects.create(
            account=account,
            kind=Subscriber.Kind.PERSON,
            title=title,
            first_name=first,
            last_name=last,
            company=company,
            department=department,
            line1=line1,
            postcode=postcode,
            city=city,
            email=f"{first.lower()}.{last.lower()}@mediatheques.demo".replace("é", "e").replace("è", "e"),
            phone=f"03 20 {10 + index:02d} 45 6{index}",
            created_at=now - datetime.timedelta(days=720 - index * 3),
        )
        subscribers.append(subscriber)
        created += 1
        # Two years: last year's period expired, this year's active (the last one never renewed).
        for years_ago in (2, 1):
            starts = datetime.date(today.year - years_ago, 1, 1)
            ends = datetime.date(starts.year, 12, 31)
            status = Subscription.Status.EXPIRED if ends < today else Subscription.Status.ACTIVE
            if years_ago == 1 and index == len(_PEOPLE) - 1:
                continue
            Subscription.objects.create(
                account=account,
                subscriber=subscriber,
                offer=gazette,
                quantity=1 + index % 3,
                status=status,
                starts_on=starts,
                ends_on=ends,
                activated_at=now - datetime.timedelta(days=365 * years_ago),
            )
            created += 1
        current = (
            Subscription.objects.create(
                account=account,
                subscriber=subscriber,
                offer=gazette,
                quantity=1 + index % 3,
                status=Subscription.Status.ACTIVE,
                starts_on=datetime.date(today.year, 1, 1),
                ends_on=datetime.date(today.year, 12, 31),
                activated_at=now - datetime.timedelta(days=today.timetuple().tm_yday),
            )
            if index < len(_PEOPLE) - 1
            else None
        )
        created += current is not None
        AddressChange.objects.create(
            account=account,
            subscriber=subscriber,
            subscriber_name=str(subscriber),
            kind="created",
            changes={"city": [None, city]},
            changed_at=subscriber.created_at,
            changed_by=client,
            processed_at=subscriber.created_at + datetime.timedelta(days=1),
            processed_by=staff_user,
        )
        created += 1
    # A move not yet passed on to the publishers.
    moved = subscribers[2]
    AddressChange.objects.create(
        account=account,
        subscriber=moved,
        subscriber_name=str(moved),
        kind="changed",
        changes={"line1": [moved.line1, "26 rue de Tournai"]},
        changed_at=now - datetime.timedelta(days=1),
        changed_by=client,
    )
    moved.line1 = "26 rue de Tournai"
    moved.save(update_fields=["line1"])
    created += 1
    # Claims: one answered and closed last year, one answered then reopened, one open for 12 days.
    subscription = Subscription.objects.filter(subscriber=subscribers[0]).order_by("starts_on").first()
    claims = [
        (
            subscribers[0],
            subscription,
            Claim.Reason.NOT_RECEIVED,
            "n° 41",
            300,
            "Le numéro 41 n’est jamais arrivé.",
            True,
        ),
        (subscribers[1], None, Claim.Reason.DAMAGED, "mars", 8, "Couverture déchirée à réception.", False),
        (subscribers[3], None, Claim.Reason.WRONG_ADDRESS, "", 12, "Livré à l’ancienne adresse du service.", None),
    ]
    for subscriber, chosen, reason, issue, days, body, closed in claims:
        chosen = chosen or Subscription.objects.filter(subscriber=subscriber).order_by("-starts_on").first()
        opened = now - datetime.timedelta(days=days)
        claim = Claim.objects.create(
            account=account,
            subscriber=subscriber,
            subscription=chosen,
            reason=reason,
            issue=issue,
            opened_at=opened,
            opened_by=client,
            status=Claim.Status.CLOSED if closed else Claim.Status.OPEN,
            closed_at=opened + datetime.timedelta(days=3) if closed else None,
        )
        ClaimMessage.objects.create(claim=claim, author=client, author_name="Hélène Vasseur", body=body, at=opened)
        created += 2
        if closed is not None:
            ClaimMessage.objects.create(
                claim=claim,
                author=staff_user,
                author_name="Imprimerie Colophon",
                from_shop=True,
                body="Nous avons demandé un nouvel envoi à l’éditeur ; il part cette semaine.",
                at=opened + datetime.timedelta(days=3),
            )
            created += 1
        if closed is False:
            ClaimMessage.objects.create(
                claim=claim,
                author=client,
                author_name="Hélène Vasseur",
                body="Le second exemplaire est abîmé lui aussi.",
                at=opened + datetime.timedelta(days=6),
            )
            created += 1
    # One subscriber signs in with its own login (the demo password).
    first = subscribers[0]
    user = User.objects.filter(email=SUBSCRIBER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=SUBSCRIBER_EMAIL,
            first_name=first.first_name,
            last_name=first.last_name,
            account=account,
            is_subscriber=True,
        )
        user.password = client.password
        user.save(update_fields=["password"])
    first.email = SUBSCRIBER_EMAIL
    first.save(update_fields=["email"])
    SubscriberLogin.objects.get_or_create(subscriber=first, user=user)
    return created + 1
