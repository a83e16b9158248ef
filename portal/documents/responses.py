"""A stored document as a download: a redirect to a short-lived link, signed by the portal on local
storage (served by ``signed.SignedDocumentDispatcher``, outside Django) or presigned by S3."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, HttpResponseRedirect

from portal.models import Document

from .signed import signed_path

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
    """A redirect to the stored file of a ready ``document`` (never rendered here), the scope having
    been checked by the caller. Raises ``StoredFileMissing``."""
    if request.headers.get("If-None-Match") == f'"{document.sha256}"':
        return _cache_headers(HttpResponseNotModified(), document)
    # One look at storage, so that a lost file is re-issued by the caller rather than a broken link.
    if not default_storage.exists(document.storage_name):
        raise StoredFileMissing(document.storage_name)
    if settings.STORAGE_BACKEND == "s3":
        url = default_storage.url(
            document.storage_name,
            parameters={
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
                "ResponseContentType": "application/pdf",
            },
            expire=PRESIGNED_SECONDS,
        )
    else:
        url = signed_path(storage_name=document.storage_name, filename=filename, sha256=document.sha256)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"  # the link expires: never reuse the redirect
    return response
