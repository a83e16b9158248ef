"""The generic link's upload goes through the kernel's PDF intake: streamed to disk under its quotas,
and judged in the intake's child process, never in the web process, with the same verdicts as the
other paths."""

from __future__ import annotations

import hashlib
import io
import time

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from files.models import ProductFile
from orders.models import Order
from portal.pdf_intake import PdfUploadHandler
from submissions.services import Refusal
from tests.portal import pdf_builders
from tests.portal.memory import rss_bytes
from tests.submissions.submission_support import make_link, pdf_bytes, stored_files, upload

CHUNK = 64 * 1024


def link_handler(per_job: int, today: int | None = None) -> PdfUploadHandler:
    """The handler as the generic link's view configures it."""
    today = per_job if today is None else today
    return PdfUploadHandler(field_name="pdf", caps={Refusal.BYTES_PER_JOB: per_job, Refusal.BYTES_PER_DAY: today})


def parse(fields: dict, handler: PdfUploadHandler):
    body = encode_multipart(BOUNDARY, fields)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    return MultiPartParser(meta, io.BytesIO(body), [handler, TemporaryFileUploadHandler()]).parse()


def _named(data: bytes, name: str = "livre.pdf"):
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def test_a_good_file_arrives_on_disk_with_its_hash_and_the_other_fields():
    data = pdf_bytes(filler=100_000)
    handler = link_handler(len(data))
    post, files = parse({"name": "Jeanne", "pdf": _named(data)}, handler)
    assert post["name"] == "Jeanne"
    assert files["pdf"].temporary_file_path()  # on disk, never in memory
    assert files["pdf"].read() == data
    assert handler.sha256 == hashlib.sha256(data).hexdigest()
    assert handler.problem is None


def test_the_upload_is_dropped_as_soon_as_it_passes_the_per_job_cap_and_later_fields_survive():
    handler = link_handler(100_000)
    post, files = parse({"name": "Jeanne", "pdf": _named(pdf_bytes(filler=300_000)), "title": "Après"}, handler)
    assert "pdf" not in files
    assert post["title"] == "Après"
    assert handler.problem == Refusal.BYTES_PER_JOB
    assert handler.size <= 100_000 + CHUNK


def test_the_day_cap_names_itself_when_it_is_the_smaller_one():
    handler = link_handler(10**6, today=1000)
    parse({"pdf": _named(pdf_bytes(filler=5000))}, handler)
    assert handler.problem == Refusal.BYTES_PER_DAY


def test_a_file_without_a_pdf_signature_in_its_first_kilobyte_is_dropped():
    handler = link_handler(10**6)
    _, files = parse({"pdf": _named(b"PK\x03\x04 a zip file" * 200)}, handler)
    assert "pdf" not in files
    assert handler.problem == "not_pdf"


def test_other_file_fields_are_counted_and_dropped():
    handler = link_handler(10**6)
    _, files = parse({"avatar": _named(pdf_bytes()), "pdf": _named(pdf_bytes())}, handler)
    assert "avatar" not in files
    assert handler.unexpected_files == 1


# --- Through the page: hostile files are refused next to the field, no order, no file, no 500 ---------


def post(client, link, data: bytes, language="en"):
    fields = {
        "name": "Jeanne Martin",
        "email": "jeanne@example.fr",
        "title": "Recueil",
        "page_count": "48",
        "quantity": "20",
        "pdf": upload(data),
    }
    return client.post(reverse("submission:submit", args=[link.token]), fields, HTTP_ACCEPT_LANGUAGE=language)


def assert_refused(response, message, settings):
    assert response.status_code == 200
    assert response.context["form"].errors["pdf"] == [message]
    assert Order.objects.count() == 0
    assert ProductFile.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_a_zero_byte_file_says_it_is_empty_instead_of_a_server_error(client, settings):
    response = post(client, make_link(), b"")
    assert_refused(response, "This file is empty.", settings)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            pdf_builders.good_pdf(pages=3)[:400],
            "This PDF is damaged and cannot be read. Export it again from your software.",
        ),
        (pdf_builders.broken_xref(), "This PDF is damaged and cannot be read. Export it again from your software."),
        (pdf_builders.html_polyglot(), "This PDF is damaged and cannot be read. Export it again from your software."),
        (
            pdf_builders.encrypted_pdf(user=""),
            "This PDF is encrypted or protected by a password. Send it without protection.",
        ),
        (
            pdf_builders.one_page(page=b"/MediaBox [0 0 99999 842]"),
            "The page size of this PDF is invalid. Export it again with the page size of your document.",
        ),
    ],
    ids=["truncated", "broken-xref", "html-polyglot", "owner-password", "absurd-page-size"],
)
def test_files_that_need_a_repair_or_hide_something_are_refused_as_on_the_other_paths(client, settings, data, message):
    assert_refused(post(client, make_link(), data), message, settings)


@pytest.mark.django_db
def test_an_xref_stream_bomb_is_refused_without_growing_the_web_process(client, settings):
    bomb = pdf_builders.cached_xref_stream_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    before = rss_bytes()
    started = time.monotonic()
    response = post(client, make_link(), bomb)
    assert time.monotonic() - started < 10
    assert rss_bytes() - before < 64 * 1024 * 1024
    assert_refused(
        response,
        "This PDF is too complex to be checked. Export it again from your software (for example flattened "
        "or optimised), or contact us.",
        settings,
    )
