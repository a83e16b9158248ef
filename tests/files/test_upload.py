"""Uploading a product's PDF: checked by content, capped, stored under a generated key, or refused."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from files.models import ProductFile
from portal.pdf_intake import Problem, problem_message
from tests.files.factories import ProductFactory, pdf_bytes
from tests.portal import pdf_builders
from tests.portal.memory import rss_bytes

pytestmark = pytest.mark.django_db


def post_file(client, product, upload, *, kind="interior", xhr=False, **extra):
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if xhr else {}
    return client.post(reverse("files:upload", args=[product.pk]), {"kind": kind, "file": upload, **extra}, **headers)


def test_a_real_pdf_is_stored_under_a_generated_key_and_checked(
    customer_client, product, upload_pdf, media_files, django_capture_on_commit_callbacks
):
    data = pdf_bytes(pages=8)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(customer_client, product, SimpleUploadedFile("Mon livre final.pdf", data))
    assert response.status_code == 302
    product_file = ProductFile.objects.get()
    assert product_file.original_name == "Mon livre final.pdf"
    assert product_file.size == len(data)
    assert product_file.sha256 == hashlib.sha256(data).hexdigest()
    assert product_file.file.name.startswith(f"products/{product.account_id}/")
    assert "livre" not in product_file.file.name
    assert product_file.uploaded_by is not None
    # The preflight ran after commit (in-process tasks in the embedded mode).
    assert product_file.preflight_status == ProductFile.Preflight.PASSED
    assert product_file.page_count == 8
    assert product_file.thumbnail
    assert product_file.file.name in media_files()


def test_the_javascript_upload_gets_the_panel_back(customer_client, product, upload_pdf):
    response = post_file(customer_client, product, upload_pdf(), xhr=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-product-files" in html
    assert "interieur.pdf" in html
    assert "<html" not in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Just some text pretending to be a PDF\n" * 100, "n’est pas un PDF"),
        (b"", "vide"),
        (pdf_bytes(pages=2)[:300], "endommagé"),
        (pdf_bytes(pages=2, encrypt=True), "chiffré"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 5000, "n’est pas un PDF"),
    ],
    ids=["text-renamed", "empty", "truncated", "encrypted", "png-renamed"],
)
def test_refused_files_leave_nothing_stored(customer_client, product, media_files, content, message):
    response = post_file(customer_client, product, SimpleUploadedFile("livre.pdf", content, "application/pdf"))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html, html
    assert 'class="field__errors"' in html
    assert not ProductFile.objects.exists()
    assert media_files() == []


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: b"", Problem.EMPTY),
        (pdf_builders.broken_xref, Problem.DAMAGED),
        (pdf_builders.html_polyglot, Problem.DAMAGED),
        (lambda: pdf_builders.encrypted_pdf(user=""), Problem.ENCRYPTED),
        (lambda: pdf_builders.one_page(page=b"/MediaBox [0 0 1 1]"), Problem.BAD_PAGE_SIZE),
        (lambda: pdf_builders.lying_count(10_001), Problem.TOO_MANY_PAGES),
        (pdf_builders.cyclic_page_tree, Problem.TOO_COMPLEX),
        (lambda: pdf_builders.one_page(catalog=b"/OpenAction << /S /JavaScript /JS (x) >>"), Problem.ACTIVE_CONTENT),
        (pdf_builders.cached_xref_stream_bomb, Problem.TOO_COMPLEX),
    ],
    ids=[
        "zero-bytes",
        "broken-xref",
        "html-polyglot",
        "owner-password",
        "absurd-page-size",
        "too-many-pages",
        "cyclic-page-tree",
        "javascript",
        "xref-stream-bomb",
    ],
)
def test_the_pdf_intake_gives_its_verdict_and_message_next_to_the_field(
    customer_client, product, media_files, make, problem
):
    before = rss_bytes()
    response = post_file(customer_client, product, SimpleUploadedFile("livre.pdf", make(), "application/pdf"))
    assert rss_bytes() - before < 64 * 1024 * 1024
    assert response.status_code == 400
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert escape(problem_message(problem)) in response.content.decode()
    assert not ProductFile.objects.exists()
    assert media_files() == []


def test_a_truncated_pdf_that_keeps_its_header_is_refused(customer_client, product, media_files):
    data = pdf_bytes(pages=20)
    response = post_file(customer_client, product, SimpleUploadedFile("livre.pdf", data[: len(data) // 2]))
    assert response.status_code == 400
    assert "endommagé" in response.content.decode()
    assert not ProductFile.objects.exists()
    assert media_files() == []


def test_a_file_over_the_cap_is_stopped_while_it_streams(customer_client, product, media_files, settings):
    settings.PRODUCT_FILE_MAX_BYTES = 4000
    data = pdf_bytes(pages=30)
    assert len(data) > 4000
    response = post_file(customer_client, product, SimpleUploadedFile("gros.pdf", data))
    assert response.status_code == 400
    assert "plus gros que" in response.content.decode()
    assert not ProductFile.objects.exists()
    assert media_files() == []


def test_a_declared_length_over_the_cap_is_refused_before_reading(customer_client, product, settings):
    settings.PRODUCT_FILE_MAX_BYTES = 1000
    response = customer_client.post(
        reverse("files:upload", args=[product.pk]),
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=xyz",
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        CONTENT_LENGTH=str(200 * 1024),
    )
    assert response.status_code == 413
    assert "plus gros que" in response.content.decode()
    assert not ProductFile.objects.exists()


def test_the_fourth_file_is_refused(customer_client, product, upload_pdf, media_files):
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        assert post_file(customer_client, product, upload_pdf(name)).status_code == 302
    stored = media_files()
    response = post_file(customer_client, product, upload_pdf("d.pdf"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "au plus 3 fichiers" in html
    assert ProductFile.objects.count() == 3
    assert media_files() == stored


def test_a_missing_file_or_type_is_an_error_next_to_the_field(customer_client, product):
    response = customer_client.post(reverse("files:upload", args=[product.pk]), {"kind": "poster"})
    assert response.status_code == 400
    assert response.content.decode().count('class="field__errors"') == 2
    assert not ProductFile.objects.exists()


def test_another_accounts_product_is_a_404_and_stores_nothing(customer_client, upload_pdf, media_files):
    other = ProductFactory()
    response = post_file(customer_client, other, upload_pdf())
    assert response.status_code == 404
    assert not ProductFile.objects.exists()
    assert media_files() == []


def test_upload_needs_the_csrf_token(product, customer, upload_pdf):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = post_file(client, product, upload_pdf())
    assert response.status_code == 403
    assert not ProductFile.objects.exists()


def test_the_next_url_must_stay_on_the_site(customer_client, product, upload_pdf):
    response = post_file(customer_client, product, upload_pdf(), next="https://evil.example/")
    assert response.status_code == 302
    assert response["Location"] == reverse("files:product", args=[product.pk])
    response = post_file(customer_client, product, upload_pdf("b.pdf"), next="/orders/1/")
    assert response["Location"] == "/orders/1/"
