"""The customer's quote pages through the HTTP client."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from quotes.models import Quote
from quotes.services import quote_create_from_order
from tests.factories import AccountFactory, OrderFactory, UserFactory
from tests.portal.documents_support import render_pending_documents
from tests.quotes.factories import BasketFactory, PriceBreakFactory, PriceRuleFactory, order_with_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def quote(customer):
    """A quote whose PDF the documents worker has stored."""
    created = quote_create_from_order(order=order_with_lines(account=customer.account), user=customer)
    render_pending_documents()
    return created


@pytest.fixture
def strangers_quote(db):
    stranger = UserFactory(account=AccountFactory())
    return quote_create_from_order(order=order_with_lines(account=stranger.account), user=stranger)


def test_request_page_offers_the_accounts_drafts_only(customer_client, customer):
    mine = order_with_lines(account=customer.account)
    mine.name = "Mon brouillon"
    mine.save()
    OrderFactory(account=customer.account, name="Déjà envoyée", status=Order.Status.SUBMITTED)
    OrderFactory(name="Chez les autres")

    response = customer_client.get(reverse("quotes:request"))

    assert response.status_code == 200
    assert "Mon brouillon" in response.text
    assert reverse("quotes:create_from_order", args=[mine.pk]) in response.text
    assert "Déjà envoyée" not in response.text and "Chez les autres" not in response.text


def test_request_page_without_draft_leads_to_a_new_order(customer_client):
    response = customer_client.get(reverse("quotes:request"))
    assert reverse("orders:new") in response.text


def test_quoting_a_draft_shows_the_quote(customer_client, customer):
    order = order_with_lines(account=customer.account)
    response = customer_client.post(reverse("quotes:create_from_order", args=[order.pk]), follow=True)
    quote = Quote.objects.get()
    assert response.redirect_chain[-1][0] == reverse("quotes:detail", args=[quote.pk])
    assert quote.number in response.text
    assert quote.order == order


def test_a_double_click_on_quote_this_order_makes_one_quote(customer_client, customer):
    order = order_with_lines(account=customer.account)
    url = reverse("quotes:create_from_order", args=[order.pk])
    first = customer_client.post(url)
    second = customer_client.post(url)
    quote = Quote.objects.get()
    assert first["Location"] == second["Location"] == reverse("quotes:detail", args=[quote.pk])


def test_quoting_needs_a_post(customer_client, customer):
    order = order_with_lines(account=customer.account)
    assert customer_client.get(reverse("quotes:create_from_order", args=[order.pk])).status_code == 405
    assert not Quote.objects.exists()


def test_quoting_an_empty_draft_says_why(customer_client, customer):
    order = OrderFactory(account=customer.account)
    BasketFactory(order=order)
    response = customer_client.post(reverse("quotes:create_from_order", args=[order.pk]), follow=True)
    assert "Ajoutez au moins un produit" in response.text or "Add at least one product" in response.text
    assert not Quote.objects.exists()


def test_another_accounts_order_and_quote_are_404(customer_client, strangers_quote):
    assert customer_client.post(reverse("quotes:create_from_order", args=[strangers_quote.order_id])).status_code == 404
    pk = strangers_quote.pk
    assert customer_client.get(reverse("quotes:detail", args=[pk])).status_code == 404
    assert customer_client.get(reverse("quotes:pdf", args=[pk])).status_code == 404
    assert customer_client.post(reverse("quotes:email", args=[pk])).status_code == 404
    assert customer_client.post(reverse("quotes:to_order", args=[pk])).status_code == 404
    assert Quote.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, quote):
    response = client.get(reverse("quotes:detail", args=[quote.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_quote_page_shows_lines_totals_and_actions(customer_client, quote):
    response = customer_client.get(reverse("quotes:detail", args=[quote.pk]))
    assert response.status_code == 200
    for line in quote.lines.all():
        assert line.title in response.text
    assert reverse("quotes:pdf", args=[quote.pk]) in response.text
    assert reverse("quotes:email", args=[quote.pk]) in response.text
    assert reverse("quotes:to_order", args=[quote.pk]) in response.text


def test_pdf_download(customer_client, quote):
    response = customer_client.get(reverse("quotes:pdf", args=[quote.pk]), follow=True)  # to the signed link
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="devis-{quote.number}.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_email_sends_the_pdf_to_the_customer(customer_client, customer, quote, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(reverse("quotes:email", args=[quote.pk]))
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [customer.email]
    assert quote.number in message.subject
    [(filename, content, mimetype)] = message.attachments
    assert filename == f"devis-{quote.number}.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF-")


def test_email_follows_the_customers_language(customer_client, customer, quote, django_capture_on_commit_callbacks):
    customer.language = "en"
    customer.save(update_fields=["language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        customer_client.post(reverse("quotes:email", args=[quote.pk]))
    assert "Please find attached quote" in mail.outbox[0].body


def test_turning_a_quote_into_an_order_lands_on_the_draft(customer_client, quote):
    response = customer_client.post(reverse("quotes:to_order", args=[quote.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:baskets", args=[quote.order_id])
    assert Order.objects.count() == 1


def test_quote_list_runs_the_same_number_of_queries_whatever_the_number_of_quotes(
    customer_client, customer, django_assert_num_queries
):
    PriceBreakFactory(rule=PriceRuleFactory())
    order = order_with_lines(account=customer.account, lines=2, rule=False)
    quote_create_from_order(order=order, user=customer)
    url = reverse("quotes:list")
    customer_client.get(url)  # warm the session
    # session, user, account (header), count, page
    with django_assert_num_queries(5) as one:
        response = customer_client.get(url)
    assert response.status_code == 200
    for _ in range(25):
        Order.objects.filter(pk=order.pk).update(updated_at=timezone.now())  # changed: a new quote each time
        quote_create_from_order(order=order, user=customer)
    with django_assert_num_queries(len(one.captured_queries)):
        response = customer_client.get(url)
    assert response.text.count('href="/quotes/') >= 20
    assert customer_client.get(url + "?page=2").status_code == 200
    assert customer_client.get(url + "?page=junk").status_code == 200


def test_quote_list_only_shows_the_accounts_quotes(customer_client, quote, strangers_quote):
    response = customer_client.get(reverse("quotes:list"))
    assert quote.number in response.text
    assert strangers_quote.number not in response.text


def test_empty_quote_list(customer_client):
    response = customer_client.get(reverse("quotes:list"))
    assert response.status_code == 200
    assert 'class="empty-state"' in response.text
