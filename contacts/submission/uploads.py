"""Streaming guard for the generic link's upload, and the PDF content check (no database here)."""

from __future__ import annotations

import hashlib
from typing import IO

import pikepdf
from django.core.files.uploadhandler import SkipFile, StopFutureHandlers, TemporaryFileUploadHandler

PDF_MAGIC = b"%PDF-"


class UploadRefusal:
    """Why the streaming handler dropped the file (read by the view to explain it next to the field)."""

    TOO_LARGE_FOR_JOB = "too_large_for_job"
    TOO_LARGE_FOR_DAY = "too_large_for_day"
    NOT_PDF = "not_pdf"
    UNEXPECTED_FIELD = "unexpected_field"


class LimitedPdfUploadHandler(TemporaryFileUploadHandler):
    """Streams the one expected file to a temporary file on disk and drops it as soon as it
    passes ``max_bytes`` or does not start like a PDF, so an oversized upload is never stored.

    Inserted first in ``request.upload_handlers``: it consumes every chunk and stops the later
    handlers, and hashes the bytes on the way (``uploaded.sha256``) so nobody reads the file twice.
    """

    def __init__(
        self, request=None, *, field_name: str, max_bytes_per_job: int, max_bytes_today: int | None = None
    ) -> None:
        super().__init__(request)
        self.expected_field = field_name
        self.max_bytes_per_job = max_bytes_per_job
        self.max_bytes_today = max_bytes_per_job if max_bytes_today is None else max_bytes_today
        self.max_bytes = max(0, min(self.max_bytes_per_job, self.max_bytes_today))
        self.refusal: str | None = None
        self.received = 0
        self.files_seen = 0
        self._hash = hashlib.sha256()
        self._head = b""

    def _refuse(self, reason: str):
        self.refusal = self.refusal or reason
        raise SkipFile(reason)

    def _size_refusal(self) -> str:
        if self.max_bytes_per_job <= self.max_bytes_today:
            return UploadRefusal.TOO_LARGE_FOR_JOB
        return UploadRefusal.TOO_LARGE_FOR_DAY

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        self.files_seen += 1
        if field_name != self.expected_field or self.files_seen > 1:
            self._refuse(UploadRefusal.UNEXPECTED_FIELD)
        if content_length is not None and content_length > self.max_bytes:
            self._refuse(self._size_refusal())
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data: bytes, start: int):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self._refuse(self._size_refusal())
        if len(self._head) < len(PDF_MAGIC):
            self._head += raw_data[: len(PDF_MAGIC) - len(self._head)]
            if not PDF_MAGIC.startswith(self._head[: len(PDF_MAGIC)]):
                self._refuse(UploadRefusal.NOT_PDF)
        self._hash.update(raw_data)
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size: int):
        if len(self._head) < len(PDF_MAGIC):
            self.file.close()
            self.refusal = self.refusal or UploadRefusal.NOT_PDF
            return None
        uploaded = super().file_complete(file_size)
        uploaded.sha256 = self._hash.hexdigest()
        return uploaded


class PdfProblem:
    NOT_PDF = "not_pdf"
    UNREADABLE = "unreadable"
    ENCRYPTED = "encrypted"
    EMPTY = "empty"


def pdf_check(stream: IO[bytes]) -> tuple[str | None, int | None]:
    """Look at the content, never the name or declared type: (problem or None, page count)."""
    stream.seek(0)
    head = stream.read(len(PDF_MAGIC))
    stream.seek(0)
    if head != PDF_MAGIC:
        return PdfProblem.NOT_PDF, None
    try:
        with pikepdf.open(stream) as pdf:
            if pdf.is_encrypted:
                return PdfProblem.ENCRYPTED, None
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        return PdfProblem.ENCRYPTED, None
    except (pikepdf.PdfError, ValueError, OSError):
        return PdfProblem.UNREADABLE, None
    finally:
        stream.seek(0)
    if pages == 0:
        return PdfProblem.EMPTY, None
    return None, pages


def sha256_of(stream: IO[bytes], chunk_size: int = 1024 * 1024) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(chunk_size), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()
