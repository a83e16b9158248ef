"""Receiving an upload: capped while it streams, hashed and sniffed on the way, kept on disk."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload, TemporaryFileUploadHandler

from .preflight import SIGNATURE_WINDOW, Problem, has_pdf_signature

FILE_FIELD = "file"
# Room for the multipart boundaries and the small form fields around the file.
ENVELOPE_BYTES = 64 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "PRODUCT_FILE_MAX_BYTES", 2 * 1024**3))


class CheckedPdfUploadHandler(FileUploadHandler):
    """Sits before Django's temporary-file handler and passes every chunk on to it.

    It stops the upload as soon as the file passes the cap, skips a file whose first kilobyte is not
    a PDF header, and hashes the bytes as they stream so the file is never read twice.
    """

    def __init__(self, request=None, *, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
        self.problem: str | None = None
        self.size = 0
        self.sha256 = ""
        self._hash = hashlib.sha256()
        self._head = b""
        self._seen = False
        self._current_is_ours = False

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        # One file per request, in the expected field; the bytes of any other are dropped.
        self._current_is_ours = field_name == FILE_FIELD and not self._seen
        self._seen = self._seen or self._current_is_ours

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if not self._current_is_ours:
            return None
        self.size += len(raw_data)
        if self.size > self.max_bytes:
            self.problem = "too_large"
            # The rest of the request is at most the envelope: read and drop it so the page can answer.
            raise StopUpload(connection_reset=False)
        if len(self._head) < SIGNATURE_WINDOW:
            self._head += raw_data[: SIGNATURE_WINDOW - len(self._head)]
            if len(self._head) >= SIGNATURE_WINDOW and not has_pdf_signature(self._head):
                self.problem = Problem.NOT_PDF
                raise SkipFile()
        self._hash.update(raw_data)
        return raw_data

    def file_complete(self, file_size: int):
        if not self._current_is_ours:
            return None
        if self.problem is None and not has_pdf_signature(self._head):
            self.problem = "empty" if not self.size else Problem.NOT_PDF
        self.sha256 = self._hash.hexdigest()
        return None  # The temporary-file handler after this one builds the uploaded file.


def install_upload_handlers(request, *, max_bytes: int | None = None) -> CheckedPdfUploadHandler:
    """Replace the request's handlers: ours, then a temporary file on disk (never in memory)."""
    checker = CheckedPdfUploadHandler(request, max_bytes=max_bytes)
    request.upload_handlers = [checker, TemporaryFileUploadHandler(request)]
    return checker


def declared_too_large(request, *, max_bytes: int | None = None) -> bool:
    """A request whose declared length is past the cap is refused before its body is read."""
    max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes + ENVELOPE_BYTES
