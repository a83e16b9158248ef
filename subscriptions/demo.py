"""Demo data of the school shop: the demo school's orders over two school years, through the shop's own
services (placed, activated, expired as the days went by), and one order waiting for its activation."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pikepdf
from django.core.files.base import ContentFile
from django.db import transaction

from . import ordering, services
from .models import Cart, Offer, SubscriptionOrder

PARIS = ZoneInfo("Europe/Paris")


class _Session(dict):
    def set_expiry(self, value) -> None:
        pass


def _purchase_order_pdf() -> ContentFile:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return ContentFile(buffer.getvalue(), name="bon-de-commande.pdf")


def _place(user, offers: list[tuple[Offer, int]], *, at: datetime.datetime, payment: str) -> SubscriptionOrder:
    session = _Session()
    for offer, quantity in offers:
        services.add_offer(reader=user, session=session, offer=offer, quantity=quantity, now=at)
    cart = Cart.objects.get(account=user.account)
    order, _created = ordering.subscription_order_place(
        reader=user,
        user=user,
        request=ordering.OrderRequest(
            subscribers={},
            payment_method=payment,
            purchase_order=_purchase_order_pdf(),
            purchase_order_name="bon-de-commande.pdf",
            siret="19750655300019",
            engagement_number=f"EJ-{at.year}-{at.month:02d}{at.day:02d}",
            cart_version=ordering.cart_version(cart),
        ),
        now=at,
    )
    return order


@transaction.atomic
def demo_school_orders(*, school_user, staff_user, now: datetime.datetime) -> int:
    """Three school years of the demo school (idempotent: nothing is added once it has orders)."""
    account = school_user.account
    if SubscriptionOrder.objects.filter(account=account).exists():
        return 0
    library = Offer.objects.filter(kind=Offer.Kind.DIGITAL).order_by("pk").first()
    gazette = Offer.objects.filter(kind=Offer.Kind.PERIODICAL).order_by("pk").first()
    if library is None or gazette is None:
        return 0
    this_year = ordering.shop_today(now).year
    first = this_year - 2 if ordering.shop_today(now).month >= 9 else this_year - 3
    created = 0
    for offset, payment in enumerate(("mandate", "transfer", "mandate")):
        year = first + offset
        placed = datetime.datetime(year, 9, 8, 10, 30, tzinfo=PARIS)
        if placed >= now:
            break
        order = _place(school_user, [(library, 1), (gazette, 2)], at=placed, payment=payment)
        ordering.subscription_order_activate(order=order, actor=staff_user, now=placed + datetime.timedelta(days=2))
        created += 1
        ordering.subscriptions_expire(now=min(now, datetime.datetime(year + 1, 9, 20, 4, tzinfo=PARIS)))
    ordering.subscriptions_expire(now=now)
    # A complementary order this week, waiting for the shop's check (within its 72 hours).
    _place(school_user, [(gazette, 1)], at=now - datetime.timedelta(hours=20), payment="cheque")
    return created + 1
