"""The XLSX export: streamed, every row, the filtered list, never a formula, headings in the reader's language."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from subscribers import exports
from tests.factories import AccountFactory

from .factories import subscriber_for, subscription_for

pytestmark = pytest.mark.django_db


def _sheet(response):
    assert response.streaming
    data = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))


def test_export_of_all_the_accounts_subscribers_formula_safe(customer_client, customer):
    subscriber_for(customer.account, company='=HYPERLINK("http://x")', last_name="+33", email="a@x.test")
    subscriber_for(customer.account, company="Bibliothèque", last_name="Martin", email="b@x.test")
    subscriber_for(AccountFactory(), last_name="Étranger")
    response = customer_client.get(reverse("subscribers:export"))
    assert response["Content-Type"] == exports.XLSX_TYPE
    rows = _sheet(response)
    assert list(rows[0]) == exports.headings()
    assert rows[0][1] == "Société"  # in the reader's language (French)
    assert len(rows) == 3
    companies = {row[1] for row in rows[1:]}
    assert companies == {'\'=HYPERLINK("http://x")', "Bibliothèque"}
    assert "'+33" in {row[2] for row in rows[1:]}
    assert all(not str(cell).startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row if cell)


def test_export_keeps_control_characters_and_backslashes_as_text(customer_client, customer):
    subscriber_for(customer.account, company="A\\B <C> & D", last_name="\tTab", email="x@x.test")
    rows = _sheet(customer_client.get(reverse("subscribers:export")))
    assert rows[1][1] == "A\\B <C> & D"
    assert rows[1][2] == "'\tTab"


def test_export_of_the_filtered_list(customer_client, customer):
    active = subscriber_for(customer.account, last_name="Actif", email="a@x.test")
    subscription_for(active)
    subscriber_for(customer.account, last_name="Inactif", email="b@x.test")
    rows = _sheet(customer_client.get(reverse("subscribers:export") + "?filter=active"))
    assert [row[0] for row in rows[1:]] == [str(active.pk)]


def test_export_streams_in_chunks(customer):
    for n in range(1200):
        subscriber_for(customer.account, last_name=f"N{n}", email=f"n{n}@x.test")
    from subscriptions.models import Subscriber

    chunks = list(exports.xlsx_chunks(Subscriber.objects.visible_to(customer)))
    assert len(chunks) >= 3
    rows = list(load_workbook(io.BytesIO(b"".join(chunks)), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 1201
