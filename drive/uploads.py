"""Receiving a drive upload: one file per request, capped by the quota while it streams, hashed on the way.

A PDF (by its name or declared type) goes through the kernel's one PDF intake: its first kilobyte
must say ``%PDF-`` while it streams, and its content is judged in the intake's child process after.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, TemporaryFileUploadHandler

from portal.pdf_intake import SIGNATURE_WINDOW, Problem, has_pdf_signature
from portal.pdf_intake import declared_too_large as _declared_too_large

FILE_FIELD = "file"
QUOTA = "quota_exceeded"


def max_upload_bytes() -> int:
    return int(getattr(settings, "DRIVE_FILE_MAX_BYTES", 2 * 1024**3))


def looks_like_pdf(name: str, content_type: str | None) -> bool:
    return (name or "").lower().endswith(".pdf") or (content_type or "").split(";")[0].strip() == "application/pdf"


class DriveUploadHandler(FileUploadHandler):
    """Before Django's temporary-file handler: caps, hashes and sniffs the one ``file`` of the request."""

    def __init__(self, request=None, *, remaining_bytes: int, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
        self.remaining = max(0, remaining_bytes)
        self.problem: str | None = None
        self.size = 0
        self.sha256 = ""
        self.is_pdf = False
        self.content_type = ""
        self._hash = hashlib.sha256()
        self._head = b""
        self._seen = False

    def _cap(self) -> tuple[int, str]:
        if self.remaining < self.max_bytes:
            return self.remaining, QUOTA
        return self.max_bytes, Problem.TOO_LARGE

    def _refuse(self, problem: str):
        self.problem = self.problem or problem
        raise SkipFile(problem)

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        if field_name != FILE_FIELD or self._seen:
            raise SkipFile("unexpected file")
        self._seen = True
        self.is_pdf = looks_like_pdf(file_name, content_type)
        self.content_type = "application/pdf" if self.is_pdf else (content_type or "")
        limit, code = self._cap()
        if content_length is not None and content_length > limit:
            self._refuse(code)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.size += len(raw_data)
        limit, code = self._cap()
        if self.size > limit:
            self._refuse(code)
        if self.is_pdf and len(self._head) < SIGNATURE_WINDOW:
            self._head += raw_data[: SIGNATURE_WINDOW - len(self._head)]
            if len(self._head) >= SIGNATURE_WINDOW and not has_pdf_signature(self._head):
                self._refuse(Problem.NOT_PDF)
        self._hash.update(raw_data)
        return raw_data

    def file_complete(self, file_size: int):
        if self.problem is None and self.is_pdf and not has_pdf_signature(self._head):
            self.problem = Problem.EMPTY if not self.size else Problem.NOT_PDF
        self.sha256 = self._hash.hexdigest()
        return None


def install_upload_handlers(request, *, remaining_bytes: int) -> DriveUploadHandler:
    """Replace the request's handlers (before anything reads the body): ours, then a temporary file."""
    handler = DriveUploadHandler(request, remaining_bytes=remaining_bytes)
    request.upload_handlers = [handler, TemporaryFileUploadHandler(request)]
    return handler


def declared_too_large(request, *, remaining_bytes: int) -> str | None:
    """The refusal for a request whose declared length is already past a cap, before reading it."""
    if _declared_too_large(request, max_bytes=min(max_upload_bytes(), remaining_bytes)):
        return QUOTA if remaining_bytes < max_upload_bytes() else Problem.TOO_LARGE
    return None
