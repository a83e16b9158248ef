"""A stored document as a download: streamed from local storage, or a short-lived link on S3."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified, HttpResponseRedirect

from portal.models import Document

#: A stored document never changes under its ETag; the URL may point to a newer version later.
CACHE_SECONDS = 300
PRESIGNED_SECONDS = 60


class StoredFileMissing(LookupError):
    """The document is recorded as ready but its file is not in storage."""


def _cache_headers(response: HttpResponse, document: Document) -> HttpResponse:
    response["ETag"] = f'"{document.sha256}"'
    response["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    return response


def stored_document_response(request: HttpRequest, document: Document, *, filename: str) -> HttpResponse:
    """The stored file of a ready ``document``; it is never rendered here. Raises ``StoredFileMissing``."""
    if request.headers.get("If-None-Match") == f'"{document.sha256}"':
        return _cache_headers(HttpResponseNotModified(), document)
    if settings.STORAGE_BACKEND == "s3":
        if not default_storage.exists(document.storage_name):
            raise StoredFileMissing(document.storage_name)
        url = default_storage.url(
            document.storage_name,
            parameters={
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
                "ResponseContentType": "application/pdf",
            },
            expire=PRESIGNED_SECONDS,
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        handle = default_storage.open(document.storage_name, "rb")
    except FileNotFoundError:
        raise StoredFileMissing(document.storage_name) from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["Content-Length"] = str(document.size)
    return _cache_headers(response, document)
