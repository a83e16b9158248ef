"""The streaming guard: an oversized or non-PDF upload is dropped while it streams, never stored."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
    SkipFile,
    StopFutureHandlers,
    TemporaryFileUploadHandler,
)
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from contacts.submission.uploads import LimitedPdfUploadHandler, UploadRefusal
from tests.contacts.submission_support import pdf_bytes

CHUNK = 64 * 1024


def start(handler, *, field="pdf", content_length=None):
    handler.new_file(field, "livre.pdf", "application/pdf", content_length)


def feed(handler, data: bytes):
    """Feed like Django's parser does, chunk by chunk; return how many bytes were taken."""
    for offset in range(0, len(data), CHUNK):
        handler.receive_data_chunk(data[offset : offset + CHUNK], offset)
    return handler.file_complete(len(data))


def test_a_file_within_the_limit_is_kept_on_disk_with_its_hash():
    data = pdf_bytes(filler=200_000)
    handler = LimitedPdfUploadHandler(field_name="pdf", max_bytes_per_job=len(data))
    with pytest.raises(StopFutureHandlers):  # no later handler makes its own copy
        start(handler)
    uploaded = feed(handler, data)
    assert uploaded.size == len(data)
    assert uploaded.sha256 == hashlib.sha256(data).hexdigest()
    assert uploaded.read() == data
    assert uploaded.temporary_file_path()
    uploaded.close()


def _started(handler):
    with pytest.raises(StopFutureHandlers):
        start(handler)
    return handler


def test_the_upload_is_dropped_as_soon_as_it_passes_the_per_job_cap():
    data = pdf_bytes(filler=500_000)
    handler = _started(LimitedPdfUploadHandler(field_name="pdf", max_bytes_per_job=200_000))
    with pytest.raises(SkipFile):
        feed(handler, data)
    assert handler.refusal == UploadRefusal.TOO_LARGE_FOR_JOB
    # It stopped at the first chunk past the cap, not at the end of the file.
    assert handler.received <= 200_000 + CHUNK
    assert handler.file.tell() <= 200_000


def test_the_day_cap_names_itself_when_it_is_the_smaller_one():
    handler = _started(LimitedPdfUploadHandler(field_name="pdf", max_bytes_per_job=10**6, max_bytes_today=1000))
    with pytest.raises(SkipFile):
        feed(handler, pdf_bytes(filler=5000))
    assert handler.refusal == UploadRefusal.TOO_LARGE_FOR_DAY


def test_a_declared_length_over_the_cap_is_refused_before_any_byte():
    handler = LimitedPdfUploadHandler(field_name="pdf", max_bytes_per_job=1000)
    with pytest.raises(SkipFile):
        start(handler, content_length=5000)
    assert handler.refusal == UploadRefusal.TOO_LARGE_FOR_JOB


def test_a_file_that_does_not_start_like_a_pdf_is_dropped_at_the_first_chunk():
    handler = _started(LimitedPdfUploadHandler(field_name="pdf", max_bytes_per_job=10**6))
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"PK\x03\x04 a zip file", 0)
    assert handler.refusal == UploadRefusal.NOT_PDF


def test_a_pdf_signature_split_across_chunks_is_accepted():
    data = pdf_bytes()
    handler = _started(LimitedPdfUploadHandler(field_name="pdf", max_bytes_per_job=10**6))
    handler.receive_data_chunk(data[:2], 0)
    handler.receive_data_chunk(data[2:], 2)
    assert handler.file_complete(len(data)).size == len(data)


def test_other_file_fields_and_a_second_file_are_refused():
    handler = LimitedPdfUploadHandler(field_name="pdf", max_bytes_per_job=10**6)
    with pytest.raises(SkipFile):
        start(handler, field="avatar")
    assert handler.refusal == UploadRefusal.UNEXPECTED_FIELD


def parse(body: bytes, handlers):
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    return MultiPartParser(meta, io.BytesIO(body), handlers).parse()


def test_through_django_parser_the_other_fields_survive_and_the_file_is_gone():
    data = pdf_bytes(filler=300_000)
    body = encode_multipart(
        BOUNDARY,
        {
            "name": "Jeanne",
            "pdf": _named(data, "gros.pdf"),
            "title": "Après le fichier",
        },
    )
    handler = LimitedPdfUploadHandler(field_name="pdf", max_bytes_per_job=100_000)
    post, files = parse(body, [handler, MemoryFileUploadHandler(), TemporaryFileUploadHandler()])
    assert "pdf" not in files
    assert post["name"] == "Jeanne"
    assert post["title"] == "Après le fichier"
    assert handler.refusal == UploadRefusal.TOO_LARGE_FOR_JOB
    assert handler.received <= 100_000 + CHUNK


def test_through_django_parser_a_good_file_arrives_with_its_hash():
    data = pdf_bytes(filler=100_000)
    body = encode_multipart(BOUNDARY, {"name": "Jeanne", "pdf": _named(data, "bon.pdf")})
    handler = LimitedPdfUploadHandler(field_name="pdf", max_bytes_per_job=len(data))
    post, files = parse(body, [handler, MemoryFileUploadHandler(), TemporaryFileUploadHandler()])
    assert post["name"] == "Jeanne"
    assert files["pdf"].sha256 == hashlib.sha256(data).hexdigest()
    assert files["pdf"].read() == data
    assert handler.refusal is None


def _named(data: bytes, name: str):
    stream = io.BytesIO(data)
    stream.name = name
    return stream
