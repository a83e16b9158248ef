"""The quote as a PDF (WeasyPrint). Nothing is fetched from the network: the only URLs the document
may load are the portal's own bundled static files."""

from __future__ import annotations

import gc
import mimetypes
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from .models import Quote, quote_tax_lines

BASE_URL = "https://portal.invalid/"
_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")
# WeasyPrint keeps the decoded logo here between renders of the same process.
_IMAGE_CACHE: dict = {}


class ForbiddenResource(ValueError):
    """The document asked for something that is not a bundled static file."""


def _static_path(relative: str) -> Path | None:
    found = finders.find(relative)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        candidate = (Path(settings.STATIC_ROOT) / relative).resolve()
        if candidate.is_file() and Path(settings.STATIC_ROOT).resolve() in candidate.parents:
            return candidate
    return None


def static_file_for(url: str) -> Path:
    """The bundled static file ``url`` names (``<BASE_URL><STATIC_URL>…``); anything else is refused."""
    prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
    if not url.startswith(prefix):
        raise ForbiddenResource(f"not a bundled static file: {url}")
    relative = url[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
    if not relative or ".." in Path(relative).parts:
        raise ForbiddenResource(f"not a bundled static file: {url}")
    path = _static_path(relative)
    if path is None:
        raise ForbiddenResource(f"no such static file: {url}")
    return path


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """WeasyPrint's fetcher limited to the portal's static files: no network, no local paths."""

        def fetch(self, url, headers=None):
            path = static_file_for(url)
            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})

    return StaticFilesFetcher


@lru_cache(maxsize=1)
def _weasy():
    """WeasyPrint, its font configuration and the quote's stylesheet, made once per process."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = _fetcher_class()
    stylesheet = weasyprint.CSS(
        string=render_to_string("pdf/quotes/quote.css"), font_config=fonts, url_fetcher=fetcher()
    )
    return weasyprint, fonts, stylesheet, fetcher


def quote_context(quote: Quote) -> dict:
    return {
        "quote": quote,
        "baskets": list(quote.baskets.all()),
        "tax_lines": quote_tax_lines(quote),
        "shop_name": settings.SHOP_NAME,
        "shop_email": settings.SHOP_EMAIL,
        "shop_address_lines": getattr(settings, "SHOP_ADDRESS_LINES", ()),
        "shop_phone": getattr(settings, "SHOP_PHONE", ""),
        "portal_url": settings.PORTAL_BASE_URL,
    }


def render_quote_html(quote: Quote, *, language: str | None = None) -> str:
    with translation.override(language or quote.language):
        return render_to_string("pdf/quotes/quote.html", quote_context(quote))


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector off for the length of one render.

    A render makes and drops a few hundred thousand small objects. That churn triggers collections
    that walk every long-lived object of the process (Django, the fonts, the stylesheet), so a warm
    process spent about a tenth of each render collecting nothing. Reference counting still frees
    what the render drops; the cycles it leaves (the parsed document's tree) are freed right after,
    by one pass over the young generation, so memory is back where it was when this returns."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def render_quote_pdf(quote: Quote, *, language: str | None = None) -> bytes:
    """The quote (with its baskets and lines prefetched, see ``services.quote_with_lines``) as PDF bytes."""
    weasyprint, fonts, stylesheet, fetcher = _weasy()
    # Indentation between tags only costs the parser and the layout; spaces inside a line stay.
    html = _BETWEEN_TAGS.sub("><", render_quote_html(quote, language=language))
    with _cyclic_gc_paused():
        document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher())
        return document.write_pdf(stylesheets=[stylesheet], font_config=fonts, cache=_IMAGE_CACHE)


#: The kind of document a quote's PDF is, in ``portal.documents`` (registered in ``QuotesConfig.ready``).
QUOTE_DOCUMENT = "quote"


def load_quote_for_document(pk: int) -> Quote:
    """The quote with everything its layout reads, for the ``documents`` worker."""
    from .services import quote_with_lines

    return quote_with_lines(Quote.objects.all(), pk=pk)


def render_quote_document(quote: Quote, language: str) -> bytes:
    return render_quote_pdf(quote, language=language)


#: What the warm-up draws: the quote's fonts (regular, bold, the digits and signs of amounts).
_WARM_HTML = (
    '<div class="shop"><span class="shop__name">Colophon</span></div><table class="lines"><tr>'
    "<th>Titre</th><td><strong>Devis D2026-000001</strong> 1 234,56 € – ÀÉÈÇ àéèç</td></tr></table>"
)


def warm_quote_renderer() -> None:
    """WeasyPrint imported, the fonts configured, the stylesheet parsed and the fonts the quote uses
    loaded (a one-line document drawn): the documents worker's pool processes call this at start."""
    weasyprint, fonts, stylesheet, fetcher = _weasy()
    document = weasyprint.HTML(string=_WARM_HTML, base_url=BASE_URL, url_fetcher=fetcher())
    document.write_pdf(stylesheets=[stylesheet], font_config=fonts, cache=_IMAGE_CACHE)


def register_quote_document() -> None:
    from django.urls import reverse

    from portal import documents

    documents.register(
        QUOTE_DOCUMENT,
        render_quote_document,
        model=Quote,
        load=load_quote_for_document,
        filename=lambda quote: quote.pdf_filename,
        download_url=lambda quote: reverse("quotes:pdf", args=[quote.pk]),
        warm=warm_quote_renderer,
    )
