"""The demo publisher's drive: files in both spaces, two years of orders archived by order and product,
and PDFs of "My files" attached to products (one of them due to go soon, so the page says when).

Made through the drive's and the files app's services; idempotent (nothing is made twice).
"""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from files.models import ProductFile
from library.models import Product
from orders.models import BasketLine, Order, ShippingBasket
from portal.numbering import number_next

from . import archive, attachments, services
from .models import DriveEntry, Space


def _pdf(pages: int, *, width_mm: float = 154, height_mm: float = 216) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(width_mm * 72 / 25.4, height_mm * 72 / 25.4))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _upload(account, user, name: str, data: bytes, *, space: str, parent=None, content_type: str) -> DriveEntry:
    return services.file_upload(
        account=account,
        space=space,
        parent=parent,
        upload=ContentFile(data, name=name),
        sha256=hashlib.sha256(data).hexdigest(),
        user=user,
        content_type=content_type,
    )


def _past_order(account, user, *, name: str, product: Product, status: str, days_ago: int) -> Order:
    """An order submitted ``days_ago`` days ago (numbered in its year), with one basket and one line."""
    submitted = timezone.now() - timedelta(days=days_ago)
    with transaction.atomic():
        order = Order.objects.create(
            account=account,
            created_by=user,
            name=name,
            status=status,
            number=number_next(sequence="order", at=submitted),
            submitted_at=submitted,
            created_at=submitted - timedelta(days=2),
            submitter_name=user.get_full_name(),
            submitter_email=user.email,
        )
        basket = ShippingBasket.objects.create(
            order=order,
            kind=ShippingBasket.Kind.ADDRESS,
            company="Librairie La Vague",
            line1="12 quai de la Douane",
            postcode="29200",
            city="Brest",
            country="FR",
        )
        BasketLine.objects.create(basket=basket, product=product, quantity=120)
    return order


def demo_drive(account, user) -> int:
    """Create what is missing of the demo drive; return how many entries were made."""
    if DriveEntry.objects.filter(account=account).exists():
        return 0
    made = 0
    _upload(
        account,
        user,
        "Notes de mise en page.txt",
        b"Marges de 15 mm, fond perdu de 3 mm.\n",
        space=Space.MY_FILES,
        content_type="text/plain",
    )
    models = services.folder_create(account=account, space=Space.DRIVE, parent=None, name="Maquettes", user=user)
    _upload(
        account,
        user,
        "Charte couleurs.txt",
        b"Bleu phare : CMJN 100/60/0/20.\n",
        space=Space.DRIVE,
        parent=models,
        content_type="text/plain",
    )
    services.folder_create(account=account, space=Space.DRIVE, parent=None, name="Archives 2025", user=user)
    made += 4

    # Two years of orders: each product's PDFs were dropped in "My files", attached, and the order submitted.
    history = [
        ("Les Marées d’automne", "Recueil — première édition", "completed", 640, 96),
        ("Carnet de bord", "Carnets pour le salon du livre", "completed", 300, 48),
        ("Le Phare des Abers", "Roman — réimpression", "shipped", 60, 184),
        ("Almanach de la côte", "Almanach — tirage d’hiver", "in_production", 25, 64),
    ]
    for title, order_name, status, days_ago, pages in history:
        product, _new = Product.objects.get_or_create(
            account=account, title=title, defaults={"page_count": pages, "width_mm": 148, "height_mm": 210}
        )
        if ProductFile.objects.filter(product=product).exists():
            continue
        slug = title.lower().replace(" ", "-").replace("’", "")
        interior = _upload(
            account, user, f"{slug}-intérieur.pdf", _pdf(pages), space=Space.MY_FILES, content_type="application/pdf"
        )
        cover = _upload(
            account,
            user,
            f"{slug}-couverture.pdf",
            _pdf(4, width_mm=320),
            space=Space.MY_FILES,
            content_type="application/pdf",
        )
        attachments.file_attach(entry=interior, product=product, kind="interior", user=user)
        attachments.file_attach(entry=cover, product=product, kind="cover", user=user)
        order = _past_order(account, user, name=order_name, product=product, status=status, days_ago=days_ago)
        archive.order_archive(order_id=order.pk)
        made += 2
    # The daily purge has let go of the "My files" of the old orders; the recent ones wait their turn.
    from portal.upkeep import Progress

    from .retention import purge_my_files

    purge_my_files(False, timezone.now(), Progress())
    _upload(
        account,
        user,
        "Épreuves à relire — printemps.pdf",
        _pdf(12),
        space=Space.MY_FILES,
        content_type="application/pdf",
    )
    return made + 1
