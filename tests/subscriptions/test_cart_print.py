"""The cart on paper: its PDF (content-keyed: one render per content) and a formal quote (numbered in the
quote sequence, valid 30 days, stored), both through portal.documents, with "being prepared" on the page."""

from __future__ import annotations

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Document
from subscriptions.models import Cart, CartLine, CartQuote
from tests.factories import SchoolFactory, UserFactory
from tests.portal.documents_support import render_pending_documents
from tests.subscriptions.factories import OfferFactory
from tests.subscriptions.support import PUBLIC_UAI, directory_row
from tests.subscriptions.test_cart import cart_page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def pdf_text(response) -> str:
    if response.status_code == 302:  # a stored document is served by its signed link
        response = response.client.get(response["Location"])
    data = b"".join(response.streaming_content)
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def add(client, offer, quantity=1):
    client.post(reverse("subscriptions:cart_add"), {"offer": offer.pk, "quantity": quantity})


def test_the_printed_cart_has_the_shop_the_establishment_the_lines_and_the_totals(client, settings):
    directory_row()
    client.force_login(UserFactory(account=SchoolFactory(uai=PUBLIC_UAI, name="Lycée Jules Ferry")))
    add(client, OfferFactory(name_en="Reading club", price_excl_tax=Decimal("100.00")), 2)
    add(client, OfferFactory(name_en="The weekly", price_excl_tax=Decimal("50.00"), vat_rate="2.1", kind="periodical"))
    page = client.get(reverse("subscriptions:cart"))
    assert reverse("subscriptions:cart_pdf_prepare") in page.content.decode()
    client.post(reverse("subscriptions:cart_pdf_prepare"))
    page = client.get(reverse("subscriptions:cart"))
    assert "data-document-pending" in page.content.decode()
    assert client.get(reverse("subscriptions:cart_pdf")).status_code == 302  # not stored yet: back to the cart
    render_pending_documents()
    page = client.get(reverse("subscriptions:cart"))
    assert "data-document-ready" in page.content.decode()
    text = pdf_text(client.get(reverse("subscriptions:cart_pdf")))
    cart = Cart.objects.get()
    for expected in (
        settings.SHOP_NAME,
        "Lycée Jules Ferry",
        PUBLIC_UAI,
        "77 boulevard de Clichy",
        "Reading club",
        "The weekly",
        "200,00",  # 2 × 100 before tax
        "240,00",  # after 20 % VAT
        "51,05",  # 50 + 2.1 %
        "291,05",  # the total after tax
        f"P-{cart.token.hex[:8].upper()}",
    ):
        assert expected in text, (expected, text)


def test_the_same_cart_is_rendered_once_and_a_change_makes_a_new_version(client):
    offer = OfferFactory()
    add(client, offer)
    client.post(reverse("subscriptions:cart_pdf_prepare"))
    client.post(reverse("subscriptions:cart_pdf_prepare"))
    assert Document.objects.filter(kind="subscriptions.cart").count() == 1
    add(client, OfferFactory())
    page = client.get(reverse("subscriptions:cart"))
    assert "data-document" not in page.content.decode()  # the PDF of the old content is not offered
    client.post(reverse("subscriptions:cart_pdf_prepare"))
    assert Document.objects.filter(kind="subscriptions.cart", is_current=True).count() == 1
    assert Document.objects.filter(kind="subscriptions.cart").count() == 2


def test_an_anonymous_cart_prints_blank_lines_for_the_establishment(client):
    add(client, OfferFactory(name_en="Reading club"))
    client.post(reverse("subscriptions:cart_pdf_prepare"))
    render_pending_documents()
    text = pdf_text(client.get(reverse("subscriptions:cart_pdf")))
    assert "Reading club" in text and "Name, UAI code and address of the establishment" in text


def test_the_status_fragment_polls_until_ready(client):
    add(client, OfferFactory())
    client.post(reverse("subscriptions:cart_pdf_prepare"))
    fragment = client.get(reverse("subscriptions:cart_pdf_status"))
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    render_pending_documents()
    fragment = client.get(reverse("subscriptions:cart_pdf_status"))
    assert (
        "hx-trigger" not in fragment.content.decode() and reverse("subscriptions:cart_pdf") in fragment.content.decode()
    )


def test_a_formal_quote_is_numbered_valid_30_days_and_stored(client):
    add(client, OfferFactory(name_en="Reading club", price_excl_tax=Decimal("100.00")), 3)
    response = client.post(reverse("subscriptions:cart_quote_create"))
    quote = CartQuote.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "subscriptions:cart_quote", args=[quote.token]
    )
    year = timezone.localdate().year
    assert quote.number == f"D{year}-000001"
    assert quote.valid_until == timezone.localdate() + datetime.timedelta(days=30)
    assert quote.total_excl_tax == Decimal("300.00") and quote.total_incl_tax == Decimal("360.00")
    render_pending_documents()
    text = pdf_text(client.get(reverse("subscriptions:cart_quote_pdf", args=[quote.token])))
    assert quote.number in text and "Reading club" in text and "360,00" in text
    # A price changed later does not change the quote: its lines are frozen.
    CartLine.objects.get().offer.__class__.objects.update(price_excl_tax=Decimal("999.00"))
    quote.refresh_from_db()
    assert quote.lines[0]["unit_excl_tax"] == "100.00"
    # The cart page lists the visitor's quote; the next one takes the next number.
    assert quote.number in client.get(reverse("subscriptions:cart")).content.decode()
    client.post(reverse("subscriptions:cart_quote_create"))
    assert CartQuote.objects.order_by("pk").last().number == f"D{year}-000002"


def test_no_quote_of_an_empty_or_expired_cart(client):
    response = client.post(reverse("subscriptions:cart_quote_create"))
    assert response.status_code == 302 and not CartQuote.objects.exists()
    add(client, OfferFactory())
    Cart.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.post(reverse("subscriptions:cart_quote_create"))
    assert not CartQuote.objects.exists()


def test_a_forged_quote_token_is_not_found(client):
    assert (
        client.get(reverse("subscriptions:cart_quote", args=["6f0c1a43-0000-4000-8000-000000000000"])).status_code
        == 404
    )


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_cart_page_with_its_pdf_and_quotes_keeps_its_query_count(client, django_assert_num_queries, signed_in):
    if signed_in:
        client.force_login(UserFactory(account=SchoolFactory()))
    add(client, OfferFactory())
    client.post(reverse("subscriptions:cart_pdf_prepare"))
    client.post(reverse("subscriptions:cart_quote_create"))
    baseline = cart_page_queries(client)
    for _ in range(6):
        add(client, OfferFactory())
        client.post(reverse("subscriptions:cart_quote_create"))
    client.post(reverse("subscriptions:cart_pdf_prepare"))
    with django_assert_num_queries(baseline):
        client.get(reverse("subscriptions:cart"))


def test_cart_quotes_and_print_shop_quotes_share_one_unbroken_sequence(client):
    from portal.numbering import numbering_check

    add(client, OfferFactory())
    client.post(reverse("subscriptions:cart_quote_create"))
    client.post(reverse("subscriptions:cart_quote_create"))
    (check,) = numbering_check(sequences=["quote"])
    assert check.ok, check.problems
