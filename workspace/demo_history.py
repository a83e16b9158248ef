"""Two years of a publisher's orders for the demo, so that "My agenda" and "My statistics" look lived in:
a dozen books, an address book of bookshops and schools, about 330 orders placed on working days with
seasons (the September rentrée and the Christmas rush), one to three baskets each, most of them priced
by a quote from a small demo price grid. Idempotent: nothing is added once the history exists.

Rows are made with ``bulk_create`` (fast), the order numbers by the kernel's numbering, and the search
documents and the statistics' month figures rebuilt once at the end.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from contacts.models import Account, User
from figures.services import figures_refresh
from library.models import Binding, PaperFormat, PaperWeight, PrintType, Product
from orders.models import Address, BasketKind, BasketLine, Bookseller, Order, OrderStatus, ShippingBasket
from orders.search import orders_changed
from portal.numbering import number_next
from quotes.models import PriceBreak, PriceRule, Quote, QuoteBasket, QuoteLine, ShippingPrice
from quotes.pricing import PriceGrid, ProductSpec, line_total, totals

#: The orders of the history are named with this tag, which marks the history as made.
HISTORY_REFERENCE_PREFIX = "BC-DEMO-"
MONTHS_BACK = 24
#: Orders per month by the month of the year: the rentrée (Sept.) and Christmas (Nov.–Dec.) are busy.
SEASON = {1: 10, 2: 11, 3: 14, 4: 13, 5: 12, 6: 15, 7: 8, 8: 6, 9: 20, 10: 16, 11: 18, 12: 14}

BOOKS = [
    ("Le Gardien du phare", 184, "perfect", "a5", "bw"),
    ("Marées d’équinoxe", 248, "perfect", "a5", "bw"),
    ("Carnets de la lande", 96, "perfect", "a5", "colour"),
    ("Le Sémaphore — revue n° 12", 48, "saddle", "a4", "colour"),
    ("Le Sémaphore — revue n° 13", 48, "saddle", "a4", "colour"),
    ("Atlas des côtes bretonnes", 160, "perfect", "a4", "colour"),
    ("Poèmes du large", 72, "perfect", "a5", "bw"),
    ("Guide des îles du Ponant", 128, "wire", "a5", "colour"),
    ("Calendrier des marées 2026", 28, "wire", "a4", "colour"),
    ("L’Écume des jours ordinaires", 312, "perfect", "a5", "bw"),
    ("Cahier d’exercices — Cycle 3", 64, "saddle", "a4", "bw"),
    ("Affiche du festival", 1, "none", "a3", "colour"),
]
RECIPIENTS = [
    ("Librairie Dialogues", "", "Rue de Siam", "29200", "Brest"),
    ("Librairie Le Failler", "", "8 rue Saint-Georges", "35000", "Rennes"),
    ("Médiathèque des Capucins", "", "25 rue de Pontaniou", "29200", "Brest"),
    ("Collège Anne de Bretagne", "Mme Le Goff", "4 allée des Écoles", "56000", "Vannes"),
    ("Office de tourisme", "", "Quai Kléber", "29900", "Concarneau"),
    ("", "Yann Kerhervé", "12 chemin du Moulin", "22500", "Paimpol"),
    ("Festival du Livre en Mer", "", "Place Jean Jaurès", "29900", "Concarneau"),
    ("Librairie L’Encre de Bretagne", "", "3 place du Martray", "22000", "Saint-Brieuc"),
]


def _demo_price_grid() -> None:
    """A small grid so that the demo's quotes have prices (staff keep the real one in admin)."""
    if PriceRule.objects.exists():
        return
    rule = PriceRule.objects.create(name="Grille de démonstration", position=99)
    for minimum, per_copy, per_page in [(1, "6.50", "0.030"), (100, "3.20", "0.014"), (500, "2.10", "0.009")]:
        PriceBreak.objects.create(
            rule=rule, min_quantity=minimum, price_per_copy=Decimal(per_copy), price_per_page=Decimal(per_page)
        )
    for kind, price in [(BasketKind.ADDRESS, "14.90"), (BasketKind.BOOKSELLER, "9.90")]:
        ShippingPrice.objects.get_or_create(kind=kind, defaults={"price": Decimal(price)})


def _products(account: Account, user: User) -> list[Product]:
    products = []
    for title, pages, binding, paper_format, print_type in BOOKS:
        product, _ = Product.objects.get_or_create(
            account=account,
            title=title,
            defaults={
                "binding": Binding.objects.get(code=binding),
                "paper_format": PaperFormat.objects.get(code=paper_format),
                "page_count": pages,
                "interior_print_type": PrintType.objects.get(code=print_type),
                "quantity_to_print": 200,
                "cover_paper": PaperWeight.objects.get(code="300g"),
                "interior_paper": PaperWeight.objects.get(code="90g"),
                "created_by": user,
            },
        )
        products.append(product)
    return products


def _addresses(account: Account) -> list[Address]:
    addresses = []
    for company, person, line1, postcode, city in RECIPIENTS:
        first, _, last = person.partition(" ")
        first = first.removeprefix("Mme")
        address, _ = Address.objects.get_or_create(
            account=account,
            company=company,
            line1=line1,
            defaults={"first_name": first.strip(), "last_name": last, "postcode": postcode, "city": city},
        )
        addresses.append(address)
    return addresses


def _placed_at(rng: random.Random, month_start: datetime.date) -> datetime.datetime:
    """A working day of the month, in office hours (Paris time)."""
    while True:
        day = month_start + datetime.timedelta(days=rng.randrange(28))
        if day.weekday() < 5:
            break
    local = datetime.datetime.combine(day, datetime.time(rng.randint(8, 18), rng.randrange(60)))
    return local.replace(tzinfo=timezone.get_default_timezone())


def _status(rng: random.Random, age_days: int) -> str:
    if rng.random() < 0.04:
        return OrderStatus.CANCELLED
    if age_days > 40:
        return OrderStatus.COMPLETED
    if age_days > 20:
        return rng.choice([OrderStatus.SHIPPED, OrderStatus.COMPLETED])
    if age_days > 7:
        return rng.choice([OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED])
    return rng.choice([OrderStatus.SUBMITTED, OrderStatus.ACCEPTED])


@transaction.atomic
def demo_order_history(*, account: Account, user: User) -> int:
    """Make the history once; return how many orders were created."""
    if Order.objects.filter(account=account, customer_reference__startswith=HISTORY_REFERENCE_PREFIX).exists():
        return 0
    rng = random.Random(20261204)  # noqa: S311 (demo data, the same every time: not security)
    _demo_price_grid()
    products = _products(account, user)
    addresses = _addresses(account)
    booksellers = list(Bookseller.objects.filter(is_active=True).order_by("network_code")[:4])
    now = timezone.now()
    today = timezone.localdate()
    plans = []
    for back in range(MONTHS_BACK, -1, -1):
        month = (today.month - 1 - back) % 12 + 1
        year = today.year + (today.month - 1 - back) // 12
        month_start = datetime.date(year, month, 1)
        for _ in range(SEASON[month] + rng.randint(-2, 3)):
            at = _placed_at(rng, month_start)
            if at < now:
                plans.append(at)
    plans.sort()
    orders = []
    for index, at in enumerate(plans, start=1):
        age = (now - at).days
        wished = (at + datetime.timedelta(days=rng.randint(8, 25))).date() if rng.random() < 0.7 else None
        orders.append(
            Order(
                account=account,
                created_by=user,
                name=f"{rng.choice(['Réassort', 'Tirage', 'Envoi', 'Commande'])} {rng.choice(products).title}"[:200],
                number=number_next(sequence="order", at=at),
                status=_status(rng, age),
                customer_reference=f"{HISTORY_REFERENCE_PREFIX}{index:04d}",
                wished_delivery_date=wished,
                submitter_name=user.get_full_name(),
                submitter_email=user.email,
                created_at=at - datetime.timedelta(hours=rng.randint(1, 72)),
                submitted_at=at,
            )
        )
    Order.objects.bulk_create(orders)
    baskets, lines_by_basket = [], []
    for order in orders:
        for position in range(rng.choice([1, 1, 1, 2, 2, 3])):
            roll = rng.random()
            if roll < 0.55:
                address = rng.choice(addresses)
                basket = ShippingBasket(
                    order=order,
                    kind=BasketKind.ADDRESS,
                    position=position,
                    address=address,
                    **{name: getattr(address, name) for name in ("company", "first_name", "last_name", "line1")},
                    postcode=address.postcode,
                    city=address.city,
                )
            elif roll < 0.85 and booksellers:
                basket = ShippingBasket(
                    order=order, kind=BasketKind.BOOKSELLER, position=position, bookseller=rng.choice(booksellers)
                )
            else:
                basket = ShippingBasket(
                    order=order, kind=BasketKind.PICKUP, position=position, pickup_name="Camille Durand"
                )
            baskets.append(basket)
            chosen = rng.sample(products, rng.choice([1, 1, 2, 3]))
            lines_by_basket.append([(product, rng.choice([20, 50, 100, 150, 200, 300, 500])) for product in chosen])
    ShippingBasket.objects.bulk_create(baskets)
    lines = [
        BasketLine(basket=basket, product=product, quantity=quantity)
        for basket, planned in zip(baskets, lines_by_basket, strict=True)
        for product, quantity in planned
    ]
    BasketLine.objects.bulk_create(lines)
    _address_counters(addresses, baskets)
    _quotes(rng, orders, baskets, lines_by_basket, user)
    orders_changed([order.pk for order in orders])
    figures_refresh(account_ids=[account.pk])
    return len(orders)


def _address_counters(addresses: list[Address], baskets: list[ShippingBasket]) -> None:
    """The address book's "times used" and "last used", as the order services keep them."""
    for address in addresses:
        used = [basket for basket in baskets if basket.address_id == address.pk]
        if used:
            address.use_count = len(used)
            address.last_used_at = max(basket.order.submitted_at for basket in used)
            address.save(update_fields=["use_count", "last_used_at"])


def _quotes(rng, orders, baskets, lines_by_basket, user) -> None:
    """Three orders in four were priced by a quote a few days before they were placed."""
    grid = PriceGrid.load()
    by_order: dict[int, list[tuple[ShippingBasket, list]]] = {}
    for basket, planned in zip(baskets, lines_by_basket, strict=True):
        by_order.setdefault(basket.order_id, []).append((basket, planned))
    for order in orders:
        if rng.random() >= 0.75:
            continue
        quoted_at = order.submitted_at - datetime.timedelta(days=rng.randint(1, 6))
        quote = Quote.objects.create(
            number=number_next(sequence="quote", at=quoted_at),
            account_id=order.account_id,
            order=order,
            order_name=order.name,
            created_by=user,
            created_at=quoted_at,
            valid_until=timezone.localdate(quoted_at) + datetime.timedelta(days=30),
        )
        runs: dict[int, int] = {}
        for _basket, planned in by_order[order.pk]:
            for product, quantity in planned:
                runs[product.pk] = runs.get(product.pk, 0) + quantity
        amounts, quote_lines = [], []
        for position, (basket, planned) in enumerate(by_order[order.pk]):
            shipping = grid.shipping_cost(basket.kind)
            quote_basket = QuoteBasket.objects.create(
                quote=quote,
                position=position,
                kind=basket.kind,
                destination_label=str(basket),
                shipping_price=shipping.price if shipping else None,
                shipping_vat_rate=shipping.vat_rate if shipping else 0,
            )
            if shipping:
                amounts.append((shipping.price, shipping.vat_rate))
            for line_position, (product, quantity) in enumerate(planned):
                price = grid.price(ProductSpec.from_product(product), runs[product.pk])
                total = line_total(price.unit_price if price else None, quantity)
                if price:
                    amounts.append((total, price.vat_rate))
                quote_lines.append(
                    QuoteLine(
                        quote=quote,
                        basket=quote_basket,
                        position=line_position,
                        product=product,
                        title=product.title,
                        quantity=quantity,
                        unit_price=price.unit_price if price else None,
                        line_total=total,
                        vat_rate=price.vat_rate if price else 0,
                    )
                )
        QuoteLine.objects.bulk_create(quote_lines)
        result = totals(amounts)
        quote.total_excl_tax, quote.total_tax, quote.total_incl_tax = result.excl_tax, result.tax, result.incl_tax
        quote.save(update_fields=["total_excl_tax", "total_tax", "total_incl_tax"])
