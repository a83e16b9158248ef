"""A quote's PDF goes through the kernel's documents: rendered once per language by the worker's
task, downloaded from storage (never rendered in the request), e-mailed as the stored file,
re-issued when its file is lost and by staff in the administration."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse

import quotes.documents
from portal.documents.tasks import render_document
from portal.models import Document
from quotes.services import quote_create_from_order
from tests.factories import AccountFactory, UserFactory
from tests.portal.documents_support import render_pending_documents, wsgi_get
from tests.quotes.factories import order_with_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """Every render of a quote PDF, as (quote number, language); the real renderer still runs."""
    calls = []
    real = quotes.documents.render_quote_pdf

    def spy(quote, *, language=None):
        calls.append((quote.number, language))
        return real(quote, language=language)

    monkeypatch.setattr(quotes.documents, "render_quote_pdf", spy)
    return calls


@pytest.fixture
def order(customer):
    return order_with_lines(account=customer.account)


def quote_documents(quote):
    return Document.objects.filter(kind="quote", object_id=quote.pk)


def test_a_quote_requested_twice_in_the_same_language_is_rendered_once(customer_client, order, renders):
    url = reverse("quotes:create_from_order", args=[order.pk])
    customer_client.post(url)
    customer_client.post(url)  # a double click, a reload
    render_pending_documents()
    [document] = Document.objects.all()
    assert document.is_ready and document.language == "fr"
    [(_number, language)] = renders
    assert language == "fr"
    customer_client.get(reverse("quotes:detail", args=[document.object_id]))
    customer_client.get(reverse("quotes:pdf", args=[document.object_id]))
    render_pending_documents()
    assert len(renders) == 1


def test_another_language_is_rendered_once_too(customer_client, customer, order, renders):
    quote = quote_create_from_order(order=order, user=customer)
    render_pending_documents()
    customer.language = "en"
    customer.save(update_fields=["language"])
    for _ in range(2):
        customer_client.get(reverse("quotes:detail", args=[quote.pk]))
        render_pending_documents()
    assert sorted(language for _, language in renders) == ["en", "fr"]
    assert sorted(quote_documents(quote).values_list("language", flat=True)) == ["en", "fr"]


def test_the_request_lands_on_the_quote_page_saying_being_prepared(customer_client, order, renders):
    response = customer_client.post(reverse("quotes:create_from_order", args=[order.pk]), follow=True)
    document = Document.objects.get()
    assert response.status_code == 200 and renders == []  # nothing rendered in the request
    assert "data-document-pending" in response.text
    assert f'hx-get="{reverse("portal:document_status", args=[document.pk])}"' in response.text
    assert reverse("quotes:pdf", args=[document.object_id]) not in response.text


def test_once_stored_the_page_links_the_download(customer_client, customer, order):
    quote = quote_create_from_order(order=order, user=customer)
    render_pending_documents()
    response = customer_client.get(reverse("quotes:detail", args=[quote.pk]))
    assert "data-document-ready" in response.text and "hx-get" not in response.text
    assert f'href="{reverse("quotes:pdf", args=[quote.pk])}"' in response.text


def test_a_download_never_calls_the_renderer(customer_client, customer, order, django_assert_num_queries):
    quote = quote_create_from_order(order=order, user=customer)
    render_pending_documents()
    document = quote_documents(quote).get()
    with mock.patch.object(quotes.documents, "render_quote_pdf", side_effect=AssertionError("rendered")) as render:
        response = customer_client.get(reverse("quotes:pdf", args=[quote.pk]))
        assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
        assert response["Location"].startswith("/documents/signed/")
        with django_assert_num_queries(0):  # the file itself: no Django, no database
            download = wsgi_get(response["Location"])
    render.assert_not_called()
    assert download.status == 200
    assert download.headers["Content-Disposition"] == f'attachment; filename="devis-{quote.number}.pdf"'
    assert download.headers["Content-Length"] == str(document.size) == str(len(download.body))
    assert download.headers["ETag"] == f'"{document.sha256}"'
    assert download.body == default_storage.open(document.storage_name).read()


def test_a_stored_download_is_one_query_beside_the_session_and_the_user(
    customer_client, customer, order, django_assert_num_queries
):
    quote = quote_create_from_order(order=order, user=customer)
    render_pending_documents()
    customer_client.get(reverse("quotes:pdf", args=[quote.pk]))
    with django_assert_num_queries(3):  # session, user, then the scope, the document and the number
        response = customer_client.get(reverse("quotes:pdf", args=[quote.pk]))
    assert response.status_code == 302 and wsgi_get(response["Location"]).body.startswith(b"%PDF-")
    assert f"devis-{quote.number}.pdf" in wsgi_get(response["Location"]).headers["Content-Disposition"]


def test_the_download_of_another_accounts_quote_is_not_found(customer_client, order):
    stranger = UserFactory(account=AccountFactory(name="Autre maison"))
    other = quote_create_from_order(order=order_with_lines(account=stranger.account), user=stranger)
    render_pending_documents()
    assert customer_client.get(reverse("quotes:pdf", args=[other.pk])).status_code == 404


def test_a_download_before_the_document_is_stored_goes_back_to_the_page(customer_client, customer, order, renders):
    quote = quote_create_from_order(order=order, user=customer)
    response = customer_client.get(reverse("quotes:pdf", args=[quote.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("quotes:detail", args=[quote.pk])
    assert renders == []


def test_a_missing_stored_file_is_issued_again_not_a_500(customer_client, customer, order, renders):
    quote = quote_create_from_order(order=order, user=customer)
    render_pending_documents()
    document = quote_documents(quote).get()
    default_storage.delete(document.storage_name)

    response = customer_client.get(reverse("quotes:pdf", args=[quote.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("quotes:detail", args=[quote.pk])
    page = customer_client.get(response["Location"])
    assert "data-document-pending" in page.text

    render_pending_documents()
    again = customer_client.get(reverse("quotes:pdf", args=[quote.pk]))
    assert again.status_code == 302 and wsgi_get(again["Location"]).body.startswith(b"%PDF-")
    assert quote_documents(quote).count() == 1 and len(renders) == 2


def test_the_email_attaches_the_stored_file(
    customer_client, customer, order, renders, django_capture_on_commit_callbacks
):
    quote = quote_create_from_order(order=order, user=customer)
    render_pending_documents()
    document = quote_documents(quote).get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        customer_client.post(reverse("quotes:email", args=[quote.pk]))
    [(filename, content, mimetype)] = mail.outbox[0].attachments
    assert (filename, mimetype) == (f"devis-{quote.number}.pdf", "application/pdf")
    assert content == default_storage.open(document.storage_name).read()
    assert len(renders) == 1


def test_an_email_asked_before_the_render_leaves_after_it(customer, order, renders, django_capture_on_commit_callbacks):
    """In the embedded mode tasks run in-process: the render, then the e-mail that attaches it."""
    from quotes.services import quote_send_by_email

    quote = quote_create_from_order(order=order, user=customer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        document = quote_send_by_email(quote=quote, user=customer)
    document.refresh_from_db()
    assert document.is_ready and len(renders) == 1
    [(_, content, _)] = mail.outbox[0].attachments
    assert content == default_storage.open(document.storage_name).read()


def test_in_the_embedded_mode_the_document_is_ready_at_once(
    customer_client, order, renders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(reverse("quotes:create_from_order", args=[order.pk]))
    assert Document.objects.get().is_ready
    page = customer_client.get(response["Location"])
    assert "data-document-ready" in page.text and len(renders) == 1


def test_staff_re_issue_the_pdf_in_admin_as_a_new_version(client, customer, order, renders):
    from tests.factories import StaffUserFactory

    quote = quote_create_from_order(order=order, user=customer)
    render_pending_documents()
    old = quote_documents(quote).get()
    staff = StaffUserFactory(is_superuser=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:quotes_quote_changelist"), {"action": "reissue_pdf", "_selected_action": [quote.pk]}
    )
    assert response.status_code == 302
    render_pending_documents()
    old.refresh_from_db()
    new = quote_documents(quote).get(is_current=True)
    assert (new.version, new.is_ready, old.is_current) == (2, True, False)
    assert default_storage.exists(old.storage_name)  # the version sent before stays
    assert len(renders) == 2
    page = client.get(reverse("admin:quotes_quote_change", args=[quote.pk]))
    assert reverse("admin:portal_document_change", args=[old.pk]) in page.text


def test_the_worker_task_is_routed_to_the_documents_queue(settings):
    from celery import current_app

    route = current_app.amqp.router.route({}, render_document.name)
    assert route["queue"].name == "documents"
