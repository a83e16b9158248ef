"""The product file's upload goes through the kernel's PDF intake, with the product files' size cap."""

from __future__ import annotations

from django.conf import settings

from portal.pdf_intake import PdfUploadHandler, install_pdf_upload_handler
from portal.pdf_intake import declared_too_large as _declared_too_large

FILE_FIELD = "file"


def max_upload_bytes() -> int:
    return int(getattr(settings, "PRODUCT_FILE_MAX_BYTES", 2 * 1024**3))


def install_upload_handlers(request, *, max_bytes: int | None = None) -> PdfUploadHandler:
    """The intake's streaming handler for the ``file`` field, then a temporary file on disk."""
    return install_pdf_upload_handler(
        request, field_name=FILE_FIELD, max_bytes=max_upload_bytes() if max_bytes is None else max_bytes
    )


def declared_too_large(request, *, max_bytes: int | None = None) -> bool:
    return _declared_too_large(request, max_bytes=max_upload_bytes() if max_bytes is None else max_bytes)
