"""The quote PDF, read back with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest

from orders.models import BasketKind
from quotes.documents import ForbiddenResource, render_quote_pdf, static_file_for
from quotes.models import Quote
from quotes.services import quote_create_from_order, quote_with_lines
from tests.factories import OrderFactory
from tests.quotes.factories import (
    BasketFactory,
    BasketLineFactory,
    BooksellerFactory,
    PriceBreakFactory,
    PriceRuleFactory,
    ShippingPriceFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed"),
]
D = Decimal


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "quote.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True).stdout
    return text.decode().replace("\u00a0", " ")


@pytest.fixture
def quote(customer):
    rule = PriceRuleFactory(max_pages=300, isbn_vat_rate=D("5.50"))
    PriceBreakFactory(rule=rule, min_quantity=1, price_per_copy=D("1000.00"), price_per_page=D("0.10"))
    ShippingPriceFactory(kind=BasketKind.ADDRESS, price=D("12.50"))
    order = OrderFactory(account=customer.account, name="Rentrée littéraire")
    address = BasketFactory(order=order)
    BasketLineFactory(basket=address, product__title="Le Grand Livre", product__page_count=100, quantity=2)
    BasketLineFactory(
        basket=address, product__title="Le Beau Livre", product__page_count=100, product__isbn="9782070368228"
    )
    bookseller = BasketFactory(order=order, kind=BasketKind.BOOKSELLER, bookseller=BooksellerFactory())
    BasketLineFactory(basket=bookseller, product__title="L’Atlas géant", product__page_count=900, quantity=3)
    created = quote_create_from_order(order=order, user=customer)
    return quote_with_lines(Quote.objects.all(), pk=created.pk)


def test_pdf_in_french_shows_number_lines_totals_and_on_request(quote, tmp_path):
    text = pdf_text(render_quote_pdf(quote, language="fr"), tmp_path)

    assert quote.number in text
    assert "DEVIS" in text
    assert "Le Grand Livre" in text and "L’Atlas géant" in text
    assert "Librairie du Nord" in text
    assert "1 010,00 €" in text  # unit price: 1 000 + 100 × 0,10
    assert "2 020,00 €" in text  # 2 copies
    assert "12,50 €" in text  # shipping of the address basket
    assert "sur devis" in text  # the 900-page book and the bookseller's shipping
    assert "5,5 %" in text and "20 %" in text
    assert f"{quote.total_excl_tax:,.2f}".replace(",", " ").replace(".", ",") + " €" in text
    assert f"{quote.total_incl_tax:,.2f}".replace(",", " ").replace(".", ",") + " €" in text
    assert quote.valid_until.strftime("%d/%m/%Y") in text
    assert quote.account.name in text
    assert "Page 1 / 1" in text


def test_pdf_in_english(quote, tmp_path):
    text = pdf_text(render_quote_pdf(quote, language="en"), tmp_path)
    assert "QUOTE" in text
    assert "on request" in text
    assert "Total incl. VAT" in text
    assert "1 010,00 €" in text  # French number format in both languages


def test_fifty_lines_go_over_several_numbered_pages(customer, tmp_path):
    PriceBreakFactory(rule=PriceRuleFactory())
    order = OrderFactory(account=customer.account)
    basket = BasketFactory(order=order)
    for _ in range(50):
        BasketLineFactory(basket=basket)
    created = quote_create_from_order(order=order, user=customer)
    text = pdf_text(render_quote_pdf(quote_with_lines(Quote.objects.all(), pk=created.pk)), tmp_path)
    assert "Page 1 / " in text and "Page 2 / " in text


def test_only_bundled_static_files_can_be_fetched(settings):
    assert static_file_for(f"https://portal.invalid{settings.STATIC_URL}img/logo.svg").name == "logo.svg"
    for url in (
        "https://example.com/tracker.png",
        "file:///etc/passwd",
        f"https://portal.invalid{settings.STATIC_URL}../../portal/settings.py",
        f"https://portal.invalid{settings.STATIC_URL}img/missing.png",
    ):
        with pytest.raises(ForbiddenResource):
            static_file_for(url)


def test_the_garbage_collector_is_on_again_after_a_render_even_a_failed_one(quote, monkeypatch):
    import gc

    import weasyprint

    seen_during_render = []
    write_pdf = weasyprint.HTML.write_pdf

    def spy(self, *args, **kwargs):
        seen_during_render.append(gc.isenabled())
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", spy)
    assert render_quote_pdf(quote).startswith(b"%PDF")
    assert seen_during_render == [False]
    assert gc.isenabled()

    def broken(self, *args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    with pytest.raises(RuntimeError):
        render_quote_pdf(quote)
    assert gc.isenabled()


def test_a_render_leaves_the_collector_off_when_the_caller_had_turned_it_off(quote):
    import gc

    gc.disable()
    try:
        render_quote_pdf(quote)
        assert not gc.isenabled()
    finally:
        gc.enable()
