"""Demo data of the school access: a sample of the directory, the shop's assistance (contacts, FAQ), and the
demo school's history over two years (quotes, questions, a written request) with a cart in progress.
Idempotent: run twice, nothing is added the second time (the directory is upserted in place)."""

from __future__ import annotations

import datetime
import io

from django.db import transaction
from django.utils import timezone

from portal.numbering import number_next

from . import pricing
from .directory.generate import HEADERS, directory_rows, write_directory
from .directory.importing import directory_import
from .models import (
    AccessLetter,
    Cart,
    CartLine,
    CartQuote,
    Establishment,
    EstablishmentRequest,
    FaqEntry,
    Offer,
    SupportContact,
    SupportQuestion,
)
from .services import cart_expiry

SAMPLE_ROWS = 300

#: Real-looking rows of the sample: the demo school (with its academic address) and a private school without one.
NAMED_ROWS = [
    [
        "0750655E",
        "Lycée Louis-le-Grand",
        "Lycée",
        "Public",
        "123 rue Saint-Jacques",
        "",
        "75005",
        "Paris",
        "75",
        "01",
        "Paris",
        "01 44 32 82 00",
        "ce.0750655e@ac-paris.fr",
        "19750655500014",
        "OUVERT",
    ],
    [
        "0753217P",
        "Collège Saint-Exupéry",
        "Collège",
        "Privé",
        "11 rue de l’Aviation",
        "",
        "75015",
        "Paris",
        "75",
        "01",
        "Paris",
        "01 45 00 00 00",
        "",
        "",
        "OUVERT",
    ],
]


def _directory() -> int:
    before = Establishment.objects.count()
    text = io.StringIO()
    write_directory(text, 0, rows=[*NAMED_ROWS, *directory_rows(SAMPLE_ROWS, seed=2024, start=1000)])
    directory_import(io.BytesIO(text.getvalue().encode("utf-8")))
    assert len(HEADERS) == len(NAMED_ROWS[0])
    return Establishment.objects.count() - before


def _assistance() -> int:
    created = 0
    for kind, name, defaults in [
        (
            SupportContact.Kind.COMMERCIAL,
            "Service abonnements scolaires",
            {
                "email": "abonnements@colophon.test",
                "phone": "01 40 00 00 10",
                "hours_fr": "Du lundi au vendredi, 9 h – 17 h",
                "hours_en": "Monday to Friday, 9 am – 5 pm",
            },
        ),
        (
            SupportContact.Kind.TECHNICAL,
            "Assistance technique",
            {
                "email": "assistance@colophon.test",
                "phone": "01 40 00 00 20",
                "hours_fr": "Du lundi au vendredi, 8 h 30 – 18 h",
                "hours_en": "Monday to Friday, 8:30 am – 6 pm",
            },
        ),
    ]:
        _, new = SupportContact.objects.get_or_create(kind=kind, name=name, defaults=defaults)
        created += new
    for position, (question_fr, question_en, answer_fr, answer_en) in enumerate(
        [
            (
                "Quand mon abonnement est-il actif ?",
                "When is my subscription active?",
                "Sous 72 heures après la commande et la réception du bon de commande.",
                "Within 72 hours of the order and of the purchase order.",
            ),
            (
                "Comment obtenir un devis ?",
                "How do I get a quote?",
                "Depuis le panier : « Obtenir un devis » le donne aussitôt, numéroté et valable 30 jours.",
                "From the cart: “Get a formal quote” gives it at once, numbered and valid 30 days.",
            ),
            (
                "J’ai perdu le mot de passe de l’établissement.",
                "I lost the establishment’s password.",
                "Utilisez « Mot de passe d’un établissement oublié » sur la page de connexion.",
                "Use “A school’s password forgotten” on the sign-in page.",
            ),
        ]
    ):
        _, new = FaqEntry.objects.get_or_create(
            question_fr=question_fr,
            defaults={"question_en": question_en, "answer_fr": answer_fr, "answer_en": answer_en, "position": position},
        )
        created += new
    return created


def _history(school, user, offers: list[Offer], now) -> int:
    if CartQuote.objects.filter(account=school).exists():
        return 0
    created = 0
    for days_ago in (700, 400, 330, 45):
        at = now - datetime.timedelta(days=days_ago)
        lines = [pricing.LinePrice(offer.price_excl_tax, 1, offer.vat) for offer in offers]
        totals = pricing.totals(lines)
        with transaction.atomic():
            CartQuote.objects.create(
                number=number_next(sequence="quote", at=at),
                account=school,
                establishment=f"{school.name}\nUAI {school.uai}",
                lines=[
                    {
                        "name": offer.name_fr,
                        "kind": offer.get_kind_display(),
                        "duration": offer.get_duration_display(),
                        "quantity": 1,
                        "unit_excl_tax": str(offer.price_excl_tax),
                        "vat_rate": offer.vat_rate,
                        "excl_tax": str(line.excl_tax),
                        "incl_tax": str(line.incl_tax),
                    }
                    for offer, line in zip(offers, lines, strict=True)
                ],
                total_excl_tax=totals.excl_tax,
                total_vat=totals.vat,
                total_incl_tax=totals.incl_tax,
                tax_lines=[
                    {"rate": str(r.rate), "excl_tax": str(r.excl_tax), "vat": str(r.vat), "incl_tax": str(r.incl_tax)}
                    for r in totals.by_rate
                ],
                issued_at=at,
                valid_until=(at + datetime.timedelta(days=30)).date(),
            )
        created += 1
    for days_ago, topic, subject, message, answered in [
        (650, "technical", "Accès des élèves", "Les élèves de seconde n’arrivent pas à se connecter.", True),
        (300, "commercial", "Facture au nom du lycée", "Pouvez-vous ajouter notre numéro d’engagement ?", True),
        (3, "commercial", "Renouvellement", "Le tarif de la Gazette change-t-il l’an prochain ?", False),
    ]:
        at = now - datetime.timedelta(days=days_ago)
        SupportQuestion.objects.create(
            account=school,
            asked_by=user,
            topic=topic,
            subject=subject,
            message=message,
            created_at=at,
            answered_at=at + datetime.timedelta(days=1) if answered else None,
        )
        created += 1
    AccessLetter.objects.create(
        uai=school.uai,
        establishment_name=school.name,
        head_name="M. Jean Proviseur",
        email=school.email,
        created_at=now - datetime.timedelta(days=520),
        received_at=now - datetime.timedelta(days=515),
        resolved_at=now - datetime.timedelta(days=514),
    )
    EstablishmentRequest.objects.create(
        name="École du Bout du Monde",
        street="1 chemin des Dunes",
        postcode="29242",
        city="Ouessant",
        contact_name="Yann Le Gall",
        email="direction@ecole-ouessant.demo",
        message="Nouvelle école, pas encore d’UAI.",
        created_at=now - datetime.timedelta(days=12),
    )
    return created + 2


def _cart(school, offers: list[Offer], now) -> int:
    """The school's cart in progress (changed three days ago); left alone when it already has lines."""
    if CartLine.objects.filter(cart__account=school, cart__expires_at__gt=now).exists():
        return 0
    changed = now - datetime.timedelta(days=3)
    cart = Cart.objects.filter(account=school).first()
    if cart is None:
        cart = Cart.objects.create(account=school, changed_at=changed, expires_at=cart_expiry(changed))
    else:
        cart.changed_at, cart.expires_at = changed, cart_expiry(changed)
        cart.save(update_fields=["changed_at", "expires_at"])
    for offer, quantity in zip(offers, (1, 3), strict=False):
        CartLine.objects.get_or_create(cart=cart, offer=offer, defaults={"quantity": quantity})
    return 1


def demo_school_access(*, school, user) -> int:
    """The directory sample, the assistance, and the demo school's two years and its current cart."""
    now = timezone.now()
    offers = list(Offer.objects.filter(active=True).order_by("name_fr")[:2])
    created = _directory() + _assistance()
    if offers:
        created += _history(school, user, offers, now) + _cart(school, offers, now)
    return created
