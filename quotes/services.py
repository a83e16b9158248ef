"""Business actions on quotes: make one from an order, send it, turn it into an order."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override

from library.isbn import format_isbn13
from orders.models import BasketKind, BasketLine, Order, ShippingBasket
from orders.services import NewBasket, basket_destination_errors, baskets_add, order_create_draft
from portal.audit import Action, audit_record
from portal.documents.services import document_issue, document_reissue, document_then
from portal.emails import templated_email_task
from portal.models import Document, DocumentStatus
from portal.numbering import number_next

from .models import Quote, QuoteBasket, QuoteLine
from .pricing import PriceGrid, ProductSpec, line_total, totals

VALIDITY_DAYS = getattr(settings, "QUOTE_VALIDITY_DAYS", 30)
ORDERED = "ordered"  # audit: a new draft was made from the quote

# The destination fields of a basket copied into the quote, and back into a new order.
DESTINATION_FIELDS = (*ShippingBasket.ADDRESS_FIELDS, "pickup_name", "bookseller_id")


class QuoteError(Exception):
    """A quote cannot be made or used; the message is for the customer."""


def product_specification(product) -> str:
    """One line a customer recognises: "A5 · Paperback · 120 pages · Colour · 300 g cover · 80 g interior"."""
    parts = []
    if product.paper_format_id:
        if product.paper_format.is_custom and product.width_mm and product.height_mm:
            parts.append(_("%(width)s × %(height)s mm") % {"width": product.width_mm, "height": product.height_mm})
        else:
            parts.append(product.paper_format.name)
    if product.binding_id:
        parts.append(product.binding.name)
    parts.append(_("%(count)s pages") % {"count": product.page_count})
    if product.interior_print_type_id:
        parts.append(product.interior_print_type.name)
    if product.cover_paper_id:
        parts.append(_("cover %(paper)s") % {"paper": product.cover_paper.name})
    if product.interior_paper_id:
        parts.append(_("interior %(paper)s") % {"paper": product.interior_paper.name})
    if product.isbn:
        parts.append(f"ISBN\u00a0{format_isbn13(product.isbn)}")
    return " · ".join(parts)


def destination_label(basket: ShippingBasket) -> str:
    """The destination as the quote prints it, one line each (the kernel's ``PostalAddress.postal_lines()``)."""
    if basket.kind == BasketKind.PICKUP:
        lines = []
        if basket.pickup_name:
            lines.append(_("Collected by %(name)s") % {"name": basket.pickup_name})
        if basket.phone:
            lines.append(basket.phone)
        return "\n".join(lines)
    source = basket.bookseller if basket.kind == BasketKind.BOOKSELLER and basket.bookseller_id else basket
    return "\n".join(source.postal_lines())


def _order_for_quote(order: Order) -> Order:
    lines = BasketLine.objects.select_related(
        "product__paper_format",
        "product__binding",
        "product__interior_print_type",
        "product__cover_paper",
        "product__interior_paper",
    ).order_by("id")
    baskets = ShippingBasket.objects.select_related("bookseller").prefetch_related(Prefetch("lines", queryset=lines))
    return Order.objects.prefetch_related(Prefetch("baskets", queryset=baskets)).get(pk=order.pk)


def _quote_of_unchanged_order(*, order: Order, user) -> Quote | None:
    """This user's latest quote of ``order`` if the order has not changed since and it is still valid."""
    latest = (
        Quote.objects.filter(
            order=order,
            account_id=order.account_id,
            created_by_id=getattr(user, "pk", None),
            created_at__gte=order.updated_at,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None or latest.is_expired():
        return None
    return latest


@transaction.atomic
def quote_create_from_order(*, order: Order, user, grid: PriceGrid | None = None) -> Quote:
    """Price every line of ``order`` from the grid and keep the result as a numbered quote.

    A product's price break is chosen on its print run: the copies of that product over all the
    order's baskets (a printer prints them in one run).

    Asking again for an order unchanged since this user's latest quote of it (a double click, a
    reload) returns that quote rather than a second number; the order's row is locked first so two
    simultaneous requests also end with one quote."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    existing = _quote_of_unchanged_order(order=locked, user=user)
    if existing is not None:
        return existing
    order = _order_for_quote(order)
    baskets = list(order.baskets.all())
    if not any(basket.lines.all() for basket in baskets):
        raise QuoteError(_("Add at least one product to this order before asking for a quote."))
    grid = grid or PriceGrid.load()
    language = getattr(user, "language", None) or settings.LANGUAGE_CODE

    print_runs: dict[int, int] = defaultdict(int)
    for basket in baskets:
        for line in basket.lines.all():
            print_runs[line.product_id] += line.quantity

    now = timezone.now()
    quote = Quote.objects.create(
        number=number_next(sequence="quote", at=now),
        account_id=order.account_id,
        order=order,
        order_name=order.name,
        created_by=user if getattr(user, "pk", None) else None,
        language=language,
        created_at=now,
        valid_until=timezone.localdate(now) + datetime.timedelta(days=VALIDITY_DAYS),
    )
    amounts = []
    on_request = False
    quote_lines = []
    with override(language):
        for basket_position, basket in enumerate(baskets):
            shipping = grid.shipping_cost(basket.kind)
            quote_basket = QuoteBasket.objects.create(
                quote=quote,
                position=basket_position,
                kind=basket.kind,
                destination_label=destination_label(basket),
                destination={
                    **basket.address_values(),
                    "pickup_name": basket.pickup_name,
                    "bookseller_id": basket.bookseller_id,
                },
                shipping_price=shipping.price if shipping else None,
                shipping_vat_rate=shipping.vat_rate if shipping else 0,
            )
            if shipping is None:
                on_request = True
            else:
                amounts.append((shipping.price, shipping.vat_rate))
            for position, line in enumerate(basket.lines.all()):
                product = line.product
                price = grid.price(ProductSpec.from_product(product), print_runs[product.pk])
                unit_price = price.unit_price if price else None
                total = line_total(unit_price, line.quantity)
                if price is None:
                    on_request = True
                else:
                    amounts.append((total, price.vat_rate))
                quote_lines.append(
                    QuoteLine(
                        quote=quote,
                        basket=quote_basket,
                        position=position,
                        product=product,
                        title=product.title,
                        specification=product_specification(product),
                        quantity=line.quantity,
                        unit_price=unit_price,
                        line_total=total,
                        vat_rate=price.vat_rate if price else 0,
                    )
                )
    QuoteLine.objects.bulk_create(quote_lines)
    result = totals(amounts)
    quote.total_excl_tax = result.excl_tax
    quote.total_tax = result.tax
    quote.total_incl_tax = result.incl_tax
    quote.has_items_on_request = on_request
    quote.save(update_fields=["total_excl_tax", "total_tax", "total_incl_tax", "has_items_on_request"])
    audit_record(
        actor=user,
        action=Action.CREATED,
        obj=quote,
        account_id=quote.account_id,
        changes={"order": [None, order.pk], "total_incl_tax": [None, quote.total_incl_tax]},
        message=quote.number,
    )
    quote_issue_document(quote=quote, language=language, user=user)
    return quote


def quote_issue_document(*, quote: Quote, language: str, user=None):
    """The quote's PDF in ``language``: rendered once, in the documents worker (see ``portal.documents``)."""
    from .documents import QUOTE_DOCUMENT

    return document_issue(kind=QUOTE_DOCUMENT, obj=quote, language=language, user=user)


@dataclass(frozen=True)
class StoredQuotePdf:
    document: Document
    filename: str


def quote_stored_pdf(*, quotes, pk: int, language: str) -> StoredQuotePdf | None:
    """The download's fast path, one query: the current stored PDF in ``language`` of the quote
    ``pk`` among ``quotes`` (the reader's ``Quote.objects.visible_to(scope)``), with its file name.
    None when the quote is not visible or its PDF not stored in that language yet (the caller then
    takes the full path: 404, or issue and "being prepared")."""
    from .documents import QUOTE_DOCUMENT

    visible = quotes.filter(pk=pk)
    row = (
        Document.objects.filter(
            kind=QUOTE_DOCUMENT,
            content_type=ContentType.objects.get_for_model(Quote),
            object_id__in=visible.values("pk"),
            language=language,
            is_current=True,
            status=DocumentStatus.READY,
            content_key="",  # a quote is immutable: its document is not keyed by content
        )
        .annotate(quote_number=Subquery(visible.filter(pk=OuterRef("object_id")).values("number")[:1]))
        .only("pk", "kind", "object_id", "language", "status", "storage_name", "sha256", "size")
        .first()
    )
    if row is None:
        return None
    return StoredQuotePdf(document=row, filename=Quote(pk=pk, number=row.quote_number).pdf_filename)


def quote_documents(*, quote: Quote) -> list[Document]:
    """Every PDF issued for ``quote`` (all languages and versions), newest first."""
    from .documents import QUOTE_DOCUMENT

    return list(
        Document.objects.filter(
            kind=QUOTE_DOCUMENT, content_type=ContentType.objects.get_for_model(Quote), object_id=quote.pk
        ).order_by("language", "-version")
    )


@transaction.atomic
def quote_reissue_documents(*, quote: Quote, user) -> list[Document]:
    """Staff render the quote's PDF again (every language it was issued in): new versions, the old kept."""
    current = [document for document in quote_documents(quote=quote) if document.is_current]
    reissued = [document_reissue(document=document, user=user) for document in current]
    return reissued or [quote_issue_document(quote=quote, language=quote.language, user=user)]


def quote_with_lines(queryset, **lookup) -> Quote:
    """One quote with its baskets and lines in three queries (for the page and the PDF)."""
    lines = QuoteLine.objects.order_by("position", "id")
    baskets = QuoteBasket.objects.prefetch_related(Prefetch("lines", queryset=lines))
    return (
        queryset.select_related("account", "order", "created_by")
        .prefetch_related(Prefetch("baskets", queryset=baskets))
        .get(**lookup)
    )


@transaction.atomic
def quote_send_by_email(*, quote: Quote, user) -> Document:
    """E-mail the quote's stored PDF to ``user``, after commit (and after its render if it is still
    being prepared). Returns the document attached."""
    language = getattr(user, "language", None) or quote.language
    document = quote_issue_document(quote=quote, language=language, user=user)
    email = templated_email_task(
        template="quotes/quote_sent",
        to=[user.email],
        context={
            "quote_number": quote.number,
            "valid_until": quote.valid_until.strftime("%d/%m/%Y"),
            "user_name": user.get_short_name(),
            "quote_url": settings.PORTAL_BASE_URL + reverse("quotes:detail", args=[quote.pk]),
        },
        language=language,
        attachments=[{"document": str(document.pk), "filename": quote.pdf_filename, "mimetype": "application/pdf"}],
    )
    audit_record(actor=user, action=Action.SENT, obj=quote, account_id=quote.account_id, message=user.email)
    document_then(document=document, task=email)
    return document


@dataclass(frozen=True)
class LeftOutBasket:
    """A basket of the quote that the new draft does not have, and why (sentences in the active language)."""

    destination: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class QuoteOrder:
    """The order a quote leads to, and what of the quote could not be copied into it."""

    order: Order
    left_out_baskets: tuple[LeftOutBasket, ...] = ()
    left_out_products: tuple[str, ...] = ()  # titles of quoted products no longer in the library


def _basket_name(quote_basket: QuoteBasket) -> str:
    """The basket as the quote showed it, on one line: its first and last lines ("Librairie X, 59000 Lille")."""
    if quote_basket.kind == BasketKind.PICKUP:
        return str(BasketKind.PICKUP.label)
    lines = quote_basket.destination_label.splitlines()
    return ", ".join(dict.fromkeys([lines[0], lines[-1]])) if lines else str(BasketKind(quote_basket.kind).label)


def _refusal_reasons(*, kind: str, errors: Mapping[str, list[str]]) -> tuple[str, ...]:
    """The destination rules' refusals as sentences a customer reads away from the basket form."""
    if kind == BasketKind.BOOKSELLER:
        return (_("This bookseller is no longer in the network's directory."),)
    labels = {name: capfirst(ShippingBasket._meta.get_field(name).verbose_name) for name in errors}
    return tuple(
        _("%(field)s: %(error)s") % {"field": labels[name], "error": error}
        for name, messages in errors.items()
        for error in messages
    )


@transaction.atomic
def quote_to_order(*, quote: Quote, user) -> QuoteOrder:
    """The draft the quote was made from, if it is still a draft; otherwise a new draft with the
    quoted baskets and lines. Products no longer in the account's library are left out, and so are
    destinations the orders' rules no longer accept (a bookseller gone from the directory, say): the
    result names them, with the rules' reasons in the active language."""
    if quote.order_id:
        source = Order.objects.select_for_update().filter(pk=quote.order_id, account_id=quote.account_id).first()
        if source is not None and source.status == Order.Status.DRAFT:
            return QuoteOrder(order=source)

    from library.models import Product
    from orders.models import Bookseller

    quote_baskets = list(quote.baskets.prefetch_related("lines").order_by("position", "id"))
    product_ids = {line.product_id for basket in quote_baskets for line in basket.lines.all() if line.product_id}
    available = set(
        Product.objects.filter(account_id=quote.account_id, pk__in=product_ids).values_list("pk", flat=True)
    )
    booksellers = Bookseller.objects.in_bulk(
        {b.destination.get("bookseller_id") for b in quote_baskets if b.destination.get("bookseller_id")}
    )
    new_baskets = []
    left_out_baskets = []
    left_out_products: dict[str, None] = {}
    for quote_basket in quote_baskets:
        destination = {name: quote_basket.destination.get(name) for name in DESTINATION_FIELDS}
        fields: dict = {name: value or "" for name, value in destination.items() if not name.endswith("_id")}
        fields["bookseller"] = booksellers.get(destination["bookseller_id"])
        errors = basket_destination_errors(kind=quote_basket.kind, fields=fields)
        if errors:
            left_out_baskets.append(
                LeftOutBasket(
                    destination=_basket_name(quote_basket),
                    reasons=_refusal_reasons(kind=quote_basket.kind, errors=errors),
                )
            )
            continue
        quantities: dict[int, int] = {}
        for line in quote_basket.lines.all():
            if line.product_id in available:
                quantities.setdefault(line.product_id, line.quantity)
            else:
                left_out_products[line.title] = None
        new_baskets.append(NewBasket(kind=quote_basket.kind, fields=fields, quantities=quantities))
    order = order_create_draft(
        user=user if getattr(user, "pk", None) else None,
        account_id=quote.account_id,
        name=quote.order_name or (_("From quote %(number)s") % {"number": quote.number}),
    )
    baskets_add(order=order, baskets=new_baskets)
    audit_record(
        actor=user,
        action=ORDERED,
        obj=quote,
        account_id=quote.account_id,
        changes={"order": [quote.order_id, order.pk]},
        message=str(order),
    )
    return QuoteOrder(order=order, left_out_baskets=tuple(left_out_baskets), left_out_products=tuple(left_out_products))
