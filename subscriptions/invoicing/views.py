"""The school's invoices: their list with status (paid, due, cancelled) and the PDF downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.access import customer_required
from portal.documents.responses import StoredFileMissing, stored_document_response
from portal.documents.services import document_restore

from . import services
from .models import CreditNote, Invoice

INVOICES_PER_PAGE = 25


def _reader_language(request: HttpRequest, fallback: str) -> str:
    return getattr(request.user, "language", None) or fallback


@customer_required
@require_GET
def invoice_list_view(request: HttpRequest) -> HttpResponse:
    invoices = (
        Invoice.objects.visible_to(request.scope)
        .with_amounts()
        .select_related("order", "chorus_deposit")
        .order_by("-issued_at", "-pk")
    )
    page = Paginator(invoices, INVOICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "subscriptions/invoices.html", {"page": page})


def _stream(request, document, *, filename: str):
    if document.is_ready:
        try:
            return stored_document_response(request, document, filename=filename)
        except StoredFileMissing:
            document_restore(document=document)
    messages.info(request, _("The PDF is being prepared: try again in a few seconds."))
    return redirect("subscriptions:invoices")


@customer_required
@require_GET
def invoice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.visible_to(request.scope), pk=pk)
    language = _reader_language(request, invoice.language)
    document = services.invoice_document(invoice=invoice, language=language, user=request.user)
    return _stream(request, document, filename=invoice.pdf_filename)


@customer_required
@require_GET
def credit_note_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    credit_note = get_object_or_404(CreditNote.objects.visible_to(request.scope).select_related("invoice"), pk=pk)
    language = _reader_language(request, credit_note.invoice.language)
    document = services.credit_note_document(credit_note=credit_note, language=language, user=request.user)
    return _stream(request, document, filename=f"avoir-{credit_note.number}.pdf")
