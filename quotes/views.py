"""Customer pages of quotes: thin, every read through ``Quote.objects.visible_to``."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from orders.models import Order
from portal.access import customer_required
from portal.documents.responses import StoredFileMissing, stored_document_response
from portal.documents.services import document_restore
from portal.documents.views import document_status_context

from . import services
from .forms import EstimateForm
from .models import Quote, quote_tax_lines
from .pricing import PriceGrid, ProductSpec

PAGE_SIZE = 20


def _quote_or_404(request: HttpRequest, pk: int) -> Quote:
    try:
        return services.quote_with_lines(Quote.objects.visible_to(request.scope), pk=pk)
    except Quote.DoesNotExist:
        raise Http404 from None


def _order_url(order: Order) -> str:
    """Where the customer continues an order; the orders app names its pages."""
    for name in ("orders:baskets", "orders:detail"):
        try:
            return reverse(name, args=[order.pk])
        except NoReverseMatch:
            continue
    return reverse("portal:dashboard")


@customer_required
@require_GET
def quote_request_view(request: HttpRequest) -> HttpResponse:
    drafts = (
        Order.objects.visible_to(request.scope)
        .drafts()
        .annotate(basket_count=Count("baskets", distinct=True), line_count=Count("baskets__lines", distinct=True))
        .order_by("-updated_at", "-id")[:20]
    )
    return render(request, "quotes/quote_request.html", {"drafts": drafts})


@customer_required
@require_POST
def quote_create_from_order_view(request: HttpRequest, order_pk: int) -> HttpResponse:
    order = get_object_or_404(Order.objects.visible_to(request.scope), pk=order_pk)
    try:
        quote = services.quote_create_from_order(order=order, user=request.user)
    except services.QuoteError as error:
        messages.error(request, str(error))
        return redirect("quotes:request")
    messages.success(request, _("Your quote %(number)s is ready.") % {"number": quote.number})
    return redirect("quotes:detail", pk=quote.pk)


@customer_required
@require_GET
def quote_list_view(request: HttpRequest) -> HttpResponse:
    quotes = Quote.objects.visible_to(request.scope).annotate(line_count=Count("lines")).order_by("-created_at", "-id")
    page = Paginator(quotes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quotes/quote_list.html", {"page": page, "quotes": page.object_list})


def _reader_language(request: HttpRequest, quote: Quote) -> str:
    return getattr(request.user, "language", None) or quote.language


@customer_required
@require_GET
def quote_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    # Issued when the quote was made, in its requester's language; another reader's language is
    # issued on their first visit (the page then says "being prepared" until the worker stored it).
    document = services.quote_issue_document(quote=quote, language=_reader_language(request, quote), user=request.user)
    return render(
        request,
        "quotes/quote_detail.html",
        {
            "quote": quote,
            "baskets": list(quote.baskets.all()),
            "tax_lines": quote_tax_lines(quote),
            **document_status_context(document, quote),
        },
    )


@customer_required
@require_GET
def quote_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A redirect to the stored PDF's short-lived link; never rendered here. Not stored yet (or
    lost): back to the quote's page, which says it is being prepared."""
    language = getattr(request.user, "language", None)
    quotes = Quote.objects.visible_to(request.scope)
    # The common case in one query: the scope, the stored document and the quote's number together.
    stored = services.quote_stored_pdf(quotes=quotes, pk=pk, language=language) if language else None
    if stored is not None:
        try:
            return stored_document_response(request, stored.document, filename=stored.filename)
        except StoredFileMissing:
            document_restore(document=stored.document)
            return redirect("quotes:detail", pk=pk)
    quote = get_object_or_404(quotes, pk=pk)
    document = services.quote_issue_document(quote=quote, language=_reader_language(request, quote), user=request.user)
    if document.is_ready:
        try:
            return stored_document_response(request, document, filename=quote.pdf_filename)
        except StoredFileMissing:
            document_restore(document=document)
    return redirect("quotes:detail", pk=quote.pk)


@customer_required
@require_POST
def quote_email_view(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    services.quote_send_by_email(quote=quote, user=request.user)
    messages.success(
        request,
        _("Quote %(number)s is on its way to %(email)s.") % {"number": quote.number, "email": request.user.email},
    )
    return redirect("quotes:detail", pk=quote.pk)


@customer_required
@require_POST
def quote_to_order_view(request: HttpRequest, pk: int) -> HttpResponse:
    quote = get_object_or_404(Quote.objects.visible_to(request.scope), pk=pk)
    result = services.quote_to_order(quote=quote, user=request.user)
    if result.order.pk == quote.order_id:
        messages.success(request, _("Here is the order this quote was made from."))
    else:
        messages.success(request, _("A new draft order was created from quote %(number)s.") % {"number": quote.number})
    for basket in result.left_out_baskets:
        messages.warning(
            request,
            _("The basket for “%(destination)s” was not copied from quote %(number)s. %(reasons)s")
            % {"destination": basket.destination, "number": quote.number, "reasons": " ".join(basket.reasons)},
        )
    if result.left_out_products:
        titles = result.left_out_products
        messages.warning(
            request,
            ngettext(
                "This product of quote %(number)s is no longer in your library and was not copied: %(titles)s.",
                "These products of quote %(number)s are no longer in your library and were not copied: %(titles)s.",
                len(titles),
            )
            % {"number": quote.number, "titles": ", ".join(_("“%(title)s”") % {"title": title} for title in titles)},
        )
    return redirect(_order_url(result.order))


@customer_required
@require_GET
def quote_estimate_view(request: HttpRequest) -> HttpResponse:
    """The product form's estimated unit price, as a small fragment; junk input gives "on request"."""
    form = EstimateForm(request.GET)
    price = None
    if form.is_valid():
        data = form.cleaned_data
        spec = ProductSpec(
            page_count=data["page_count"],
            paper_format_id=data["paper_format"].pk if data["paper_format"] else None,
            binding_id=data["binding"].pk if data["binding"] else None,
            interior_print_type_id=data["interior_print_type"].pk if data["interior_print_type"] else None,
            interior_paper_id=data["interior_paper"].pk if data["interior_paper"] else None,
            cover_paper_id=data["cover_paper"].pk if data["cover_paper"] else None,
            has_isbn=bool(data["isbn"].strip()),
        )
        price = PriceGrid.load().price(spec, data["quantity_to_print"])
    return render(request, "quotes/_estimate.html", {"price": price})
