"""Receiving a PDF upload: capped while it streams, sniffed and hashed on the way, kept on disk."""

from __future__ import annotations

import hashlib

from django.core.files.uploadhandler import FileUploadHandler, SkipFile, TemporaryFileUploadHandler

from .checks import SIGNATURE_WINDOW, Problem, has_pdf_signature

# Room for the multipart boundaries and the small form fields around the file.
ENVELOPE_BYTES = 64 * 1024


class PdfUploadHandler(FileUploadHandler):
    """Sits before Django's temporary-file handler and passes every chunk of the one expected file on.

    ``caps`` maps a refusal code to a size in bytes (``max_bytes`` alone is ``{"too_large": max_bytes}``):
    the file is dropped as soon as it passes the smallest one, and ``problem`` is that cap's code (a
    path with quotas, like the generic link, names its own). A file whose first kilobyte holds no
    ``%PDF-`` is dropped at once (``not_pdf``); a file of zero bytes is ``empty``. Bytes of any other
    file field, or of a second file, are dropped and counted in ``unexpected_files``. The bytes are
    hashed as they stream (``sha256``) so the file is never read twice, and written to a temporary
    file on disk by the next handler, never held in memory.
    """

    def __init__(
        self,
        request=None,
        *,
        field_name: str = "file",
        max_bytes: int | None = None,
        caps: dict[str, int] | None = None,
    ):
        super().__init__(request)
        caps = dict(caps or {})
        if max_bytes is not None:
            caps.setdefault(Problem.TOO_LARGE, max_bytes)
        if not caps:
            raise ValueError("PdfUploadHandler needs max_bytes or caps")
        self.expected_field = field_name
        self.caps = {code: max(0, limit) for code, limit in caps.items()}
        self.max_bytes = min(self.caps.values())
        self.problem: str | None = None
        self.size = 0
        self.sha256 = ""
        self.unexpected_files = 0
        self._hash = hashlib.sha256()
        self._head = b""
        self._seen = False
        self._current_is_ours = False

    def _size_problem(self) -> str:
        return min(self.caps, key=lambda code: self.caps[code])

    def _refuse(self, problem: str):
        self.problem = self.problem or problem
        raise SkipFile(problem)

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self._current_is_ours = field_name == self.expected_field and not self._seen
        if not self._current_is_ours:
            self.unexpected_files += 1
            raise SkipFile("unexpected file")
        self._seen = True
        if content_length is not None and content_length > self.max_bytes:
            self._refuse(self._size_problem())

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.size += len(raw_data)
        if self.size > self.max_bytes:
            self._refuse(self._size_problem())
        if len(self._head) < SIGNATURE_WINDOW:
            self._head += raw_data[: SIGNATURE_WINDOW - len(self._head)]
            if len(self._head) >= SIGNATURE_WINDOW and not has_pdf_signature(self._head):
                self._refuse(Problem.NOT_PDF)
        self._hash.update(raw_data)
        return raw_data

    def file_complete(self, file_size: int):
        if self.problem is None and not has_pdf_signature(self._head):
            self.problem = Problem.EMPTY if not self.size else Problem.NOT_PDF
        self.sha256 = self._hash.hexdigest()
        return None  # The temporary-file handler after this one builds the uploaded file.


def install_pdf_upload_handler(request, **kwargs) -> PdfUploadHandler:
    """Replace the request's handlers: the intake's, then a temporary file on disk (never in memory).

    Call it before anything reads the body (a CSRF-exempt outer view, Django's documented pattern).
    """
    handler = PdfUploadHandler(request, **kwargs)
    request.upload_handlers = [handler, TemporaryFileUploadHandler(request)]
    return handler


def declared_too_large(request, *, max_bytes: int) -> bool:
    """A request whose declared length is past the cap is refused before its body is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes + ENVELOPE_BYTES
