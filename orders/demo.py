"""Demo history for "My digital warehouse": two years of a publisher's orders, so that "my 10 last" and
"my 20 best" addresses and products (and each product's orders) read like a real customer's.

Idempotent: an account that already has placed orders (an earlier run, or another part of the demo)
gets no new ones; its counters are set again from whatever history it has.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from contacts.models import Account, User
from library.models import Binding, PaperFormat, Product
from portal.numbering import number_next

from . import counters, search
from .models import Address, BasketLine, Order, OrderStatus, ShippingBasket

TITLES = [
    ("Le Gardien du phare", "9782070368228", 184),
    ("Marées d’équinoxe", "9782253004226", 212),
    ("Carnet de bord — poèmes", "", 64),
    ("Atlas des côtes bretonnes", "9782081275225", 320),
    ("Les Goélands de Sein", "", 148),
    ("Gravitations", "9782070300365", 96),
    ("Brume sur l’Aber", "", 256),
    ("Le Sémaphore", "9782070409341", 178),
    ("Petite histoire des naufrageurs", "", 132),
    ("Chroniques de l’île d’Ouessant", "", 288),
    ("Catalogue automne", "", 32),
    ("Carte de vœux du Phare", "", 2),
]
ADDRESSES = [
    ("Librairie Le Turet", "", "", "12 rue Nationale", "59000", "Lille"),
    ("Librairie Dialogues", "", "", "Place de la Liberté", "29200", "Brest"),
    ("Librairie Ombres Blanches", "", "", "50 rue Gambetta", "31000", "Toulouse"),
    ("Médiathèque de Quimper", "", "", "1 esplanade François Mitterrand", "29000", "Quimper"),
    ("", "Zoé", "Le Bihan", "7 impasse des Mouettes", "29242", "Ouessant"),
    ("Salon du livre de Vannes", "Anne", "Guégan", "Parc du Golfe", "56000", "Vannes"),
    ("Librairie L’Armitière", "", "", "88 rue Jeanne d’Arc", "76000", "Rouen"),
    ("", "Élise", "Kervella", "3 quai de l’Odet", "29000", "Quimper"),
    ("Festival Étonnants Voyageurs", "", "", "Palais du Grand Large", "35400", "Saint-Malo"),
    ("Librairie Coiffard", "", "", "7 rue de la Fosse", "44000", "Nantes"),
    ("Musée de la Marine", "", "", "17 place du Trocadéro", "75016", "Paris"),
    ("", "Yann", "Morvan", "22 rue du Port", "22500", "Paimpol"),
    ("Librairie Gwalarn", "", "", "2 place Charles de Gaulle", "22300", "Lannion"),
    ("Office de tourisme de Camaret", "", "", "15 quai Kléber", "29570", "Camaret-sur-Mer"),
]
ORDERS = 60
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def demo_warehouse(*, account: Account, user: User) -> int:
    """Create the history when the account has none; return how many orders were created."""
    if Order.objects.filter(account=account).exclude(status=OrderStatus.DRAFT).exists():
        _recount(account)
        return 0
    with transaction.atomic():
        created = _history(account, user)
        _recount(account)
    return created


def _recount(account: Account) -> None:
    counters.products_recount(Product.objects.filter(account=account).values_list("pk", flat=True))
    counters.addresses_recount(Address.objects.filter(account=account).values_list("pk", flat=True))


def _history(account: Account, user: User) -> int:
    rng = random.Random(1832)  # noqa: S311 (demo data, the same history on every machine)
    binding = Binding.objects.filter(code="perfect").first()
    paper_format = PaperFormat.objects.filter(code="a5").first()
    products = []
    for title, isbn, pages in TITLES:
        product, _ = Product.objects.get_or_create(
            account=account,
            title=title,
            defaults={"isbn": isbn, "page_count": pages, "binding": binding, "paper_format": paper_format},
        )
        products.append(product)
    book = []
    for company, first_name, last_name, line1, postcode, city in ADDRESSES:
        address, _ = Address.objects.get_or_create(
            account=account,
            company=company,
            first_name=first_name,
            last_name=last_name,
            line1=line1,
            postcode=postcode,
            city=city,
            defaults={"country": "FR"},
        )
        book.append(address)
    # Some titles and destinations are favourites: weights make "best" differ from "last".
    product_weights = [12, 9, 3, 6, 2, 8, 1, 4, 1, 2, 5, 1]
    address_weights = [10, 7, 3, 5, 1, 2, 4, 1, 2, 6, 1, 1, 2, 1]
    now = timezone.now()
    start = now - timedelta(days=730)
    for n in range(ORDERS):
        placed_at = start + timedelta(days=(730 - 20) * n / ORDERS + rng.random() * 5, hours=rng.randint(8, 17))
        _order(account, user, rng, placed_at, n, products, product_weights, book, address_weights, now)
    return ORDERS


def _order(account, user, rng, placed_at: datetime, n, products, product_weights, book, address_weights, now):
    age = (now - placed_at).days
    status = OrderStatus.COMPLETED if age > 30 else rng.choice([OrderStatus.IN_PRODUCTION, OrderStatus.ACCEPTED])
    if n % 17 == 5:
        status = OrderStatus.CANCELLED
    order = Order.objects.create(
        account=account,
        created_by=user,
        name=f"{rng.choice(['Tirage', 'Réimpression', 'Commande'])} {MONTHS[placed_at.month - 1]} {placed_at.year}",
        number=number_next(sequence="order", at=placed_at),
        status=status,
        created_at=placed_at - timedelta(days=2),
        submitted_at=placed_at,
        submitter_name=user.get_full_name(),
        submitter_email=user.email,
    )
    destinations = rng.choices(book, weights=address_weights, k=rng.randint(1, 3))
    for position, address in enumerate(dict.fromkeys(destinations), start=1):
        basket = ShippingBasket.objects.create(
            order=order, kind="address", position=position, address=address, **address.address_values()
        )
        chosen = dict.fromkeys(rng.choices(products, weights=product_weights, k=rng.randint(1, 3)))
        BasketLine.objects.bulk_create(
            BasketLine(basket=basket, product=product, quantity=rng.choice([50, 100, 150, 200, 300, 500]))
            for product in chosen
        )
        address.last_used_at = max(address.last_used_at or placed_at, placed_at)
        Address.objects.filter(pk=address.pk).update(last_used_at=address.last_used_at)
    search.orders_changed([order.pk])
