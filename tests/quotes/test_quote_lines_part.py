"""The quote's page and its PDF lay out their lines from one template part."""

from __future__ import annotations

import pytest
from django.test.signals import template_rendered
from django.urls import reverse

from quotes.documents import render_quote_html
from quotes.models import Quote
from quotes.services import quote_create_from_order, quote_with_lines
from tests.quotes.factories import order_with_lines

pytestmark = pytest.mark.django_db

PART = "quotes/_quote_lines.html"


@pytest.fixture
def rendered_templates():
    names: list[str] = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def test_page_and_pdf_use_the_same_lines_part(customer_client, customer, rendered_templates):
    created = quote_create_from_order(order=order_with_lines(account=customer.account, baskets=2), user=customer)
    quote = quote_with_lines(Quote.objects.all(), pk=created.pk)

    page = customer_client.get(reverse("quotes:detail", args=[quote.pk]))
    assert rendered_templates.count(PART) == 2  # one per basket
    rendered_templates.clear()
    html = render_quote_html(quote, language="fr")
    assert rendered_templates.count(PART) == 2

    for line in quote.lines.all():
        assert line.title in page.text and line.title in html
        assert line.specification in page.text and line.specification in html
