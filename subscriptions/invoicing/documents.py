"""The invoice and credit note PDFs (WeasyPrint, nothing fetched from the network), registered as
kinds of ``portal.documents``. A public school's invoice is a Factur-X: PDF/A-3b with its CII XML
(EN 16931) embedded by the ``factur-x`` library."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from facturx import generate_from_binary

from .. import pricing
from ..models import PaymentMethod
from .facturx_xml import invoice_cii_xml
from .models import CreditNote, Invoice

BASE_URL = "https://portal.invalid/"


class ForbiddenResource(ValueError):
    """The document asked for a resource: an invoice loads nothing."""


@lru_cache(maxsize=1)
def _weasy():
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    class NothingFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            raise ForbiddenResource(url)

    fonts = FontConfiguration()
    stylesheet = weasyprint.CSS(
        string=render_to_string("pdf/subscriptions/invoice.css"), font_config=fonts, url_fetcher=NothingFetcher()
    )
    return weasyprint, fonts, stylesheet, NothingFetcher


def invoice_context(invoice: Invoice, *, credit_note: CreditNote | None = None) -> dict:
    lines = list(invoice.lines.all())
    return {
        "invoice": invoice,
        "credit_note": credit_note,
        "seller": invoice.seller,
        "lines": lines,
        "tax_lines": pricing.totals(line.price for line in lines).by_rate,
        "payment_days": (invoice.due_date - invoice.issue_date).days,
        "is_transfer": invoice.payment_method in (PaymentMethod.TRANSFER, PaymentMethod.MANDATE),
        "is_cheque": invoice.payment_method == PaymentMethod.CHEQUE,
        "portal_url": settings.PORTAL_BASE_URL,
    }


def render_invoice_html(invoice: Invoice, language: str, *, credit_note: CreditNote | None = None) -> str:
    with translation.override(language):
        return render_to_string("pdf/subscriptions/invoice.html", invoice_context(invoice, credit_note=credit_note))


def _pdf(html: str, *, pdf_a: bool) -> bytes:
    weasyprint, fonts, stylesheet, fetcher = _weasy()
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher())
    options = {"pdf_variant": "pdf/a-3b"} if pdf_a else {}
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts, **options)


def facturx_pdf(pdf: bytes, xml: bytes, *, language: str) -> bytes:
    """Embed the CII XML into the PDF/A-3 (``factur-x.xml``), checked against the schema on the way."""
    return generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=True, check_schematron=False, lang=language
    )


def render_invoice_document(invoice: Invoice, language: str) -> bytes:
    html = render_invoice_html(invoice, language)
    if not invoice.is_public:
        return _pdf(html, pdf_a=False)
    return facturx_pdf(_pdf(html, pdf_a=True), invoice_cii_xml(invoice), language=language)


def render_credit_note_document(credit_note: CreditNote, language: str) -> bytes:
    invoice = credit_note.invoice
    html = render_invoice_html(invoice, language, credit_note=credit_note)
    if not invoice.is_public:
        return _pdf(html, pdf_a=False)
    return facturx_pdf(_pdf(html, pdf_a=True), invoice_cii_xml(invoice, credit_note=credit_note), language=language)


def load_invoice(pk: int) -> Invoice:
    return Invoice.objects.select_related("order").prefetch_related("lines").get(pk=pk)


def load_credit_note(pk: int) -> CreditNote:
    return CreditNote.objects.select_related("invoice__order").prefetch_related("invoice__lines").get(pk=pk)


def register_invoice_documents() -> None:
    from portal import documents

    from .services import CREDIT_NOTE_DOCUMENT, INVOICE_DOCUMENT

    documents.register(
        INVOICE_DOCUMENT,
        render_invoice_document,
        model=Invoice,
        load=load_invoice,
        filename=lambda invoice: invoice.pdf_filename,
        download_url=lambda invoice: reverse("subscriptions:invoice_pdf", args=[invoice.pk]),
    )
    documents.register(
        CREDIT_NOTE_DOCUMENT,
        render_credit_note_document,
        model=CreditNote,
        load=load_credit_note,
        filename=lambda credit_note: f"avoir-{credit_note.number}.pdf",
        download_url=lambda credit_note: reverse("subscriptions:credit_note_pdf", args=[credit_note.pk]),
    )
