"""Short-lived signed links to stored documents, served beside Django (local storage).

The download view checks the customer's scope once and answers with a redirect to
``/documents/signed/<token>``, the token being the stored file's name, the name the customer's copy
takes, its SHA-256 (the ETag) and an expiry, signed with ``SECRET_KEY`` (``signing.Signer``:
HMAC-SHA256 with this module's salt, ``SECRET_KEY_FALLBACKS`` honoured).
``SignedDocumentDispatcher``, mounted in front of Django through ``settings.WSGI_WRAPPERS``,
answers those paths itself: it checks the signature and the expiry and streams the file with
``wsgi.file_wrapper`` (``sendfile`` under gunicorn). No middleware, no session, no database
query: what a download costs is the signature and the file.

A link is a bearer token for one file for about a minute (``DOCUMENT_LINK_SECONDS``), the same
contract as the presigned URL S3 gives. A forged or altered link is a 404, as the portal's other
token routes, an expired one a 410, and neither names anything; a signed file that is no longer
stored is a 404 too (the download view re-issues a missing file before it signs a link). The same
answer is also routed in Django (``portal:document_signed``) for servers that do not go through
``portal.wsgi`` (the test client, the live test server).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.utils.http import content_disposition_header

#: Where signed links live; Django routes the same prefix (``portal:document_signed``).
MOUNT = "/documents/signed/"
SALT = "portal.documents.signed"
#: Links are valid for at least this long; expiries are rounded up to a step, so two clicks within
#: a step get the same URL (the browser's cache answers the second).
DEFAULT_LINK_SECONDS = 60
EXPIRY_STEP = 30
BLOCK_SIZE = 64 * 1024
#: Anything longer is not a token this module made (it is refused before any HMAC is computed).
MAX_TOKEN_LENGTH = 2000

_SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; sandbox"),
]


def link_seconds() -> int:
    return int(getattr(settings, "DOCUMENT_LINK_SECONDS", DEFAULT_LINK_SECONDS))


def signed_token(*, storage_name: str, filename: str, sha256: str, now: float | None = None) -> str:
    now = time.time() if now is None else now
    expires = -(-int(now + link_seconds()) // EXPIRY_STEP) * EXPIRY_STEP
    payload = {"n": storage_name, "f": filename, "e": sha256, "x": expires}
    return signing.Signer(salt=SALT).sign_object(payload)


def signed_path(*, storage_name: str, filename: str, sha256: str, now: float | None = None) -> str:
    """The path of a short-lived link to the stored file ``storage_name`` (see the module)."""
    return MOUNT + signed_token(storage_name=storage_name, filename=filename, sha256=sha256, now=now)


@dataclass
class SignedAnswer:
    """What a signed link answers, for the WSGI application and the Django view alike."""

    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    file: BinaryIO | None = None

    @property
    def status_line(self) -> str:
        return f"{self.status} {self.reason}"


def _refusal(status: int, reason: str, extra: list[tuple[str, str]] | None = None) -> SignedAnswer:
    body = reason.encode()
    headers = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "private, no-store"),
        *_SECURITY_HEADERS,
        *(extra or []),
    ]
    return SignedAnswer(status, reason, headers, body)


def _etag_matches(if_none_match: str, etag: str) -> bool:
    candidates = [part.strip() for part in if_none_match.split(",")]
    return "*" in candidates or any(candidate.removeprefix("W/") == etag for candidate in candidates)


def _local_path(storage_name: str) -> str | None:
    try:
        return default_storage.path(storage_name)  # safe_join: never outside MEDIA_ROOT
    except (NotImplementedError, ValueError, SuspiciousFileOperation):
        return None


def signed_answer(*, token: str, method: str, if_none_match: str = "", now: float | None = None) -> SignedAnswer:
    """Check ``token`` and answer with the stored file it names (the file is left open: the caller
    streams and closes it)."""
    if method not in ("GET", "HEAD"):
        return _refusal(405, "Method Not Allowed", [("Allow", "GET, HEAD")])
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return _refusal(404, "Not Found")
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
        storage_name, filename, sha256, expires = payload["n"], payload["f"], payload["e"], int(payload["x"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _refusal(404, "Not Found")  # forged or altered: as if there were nothing here
    remaining = expires - int(time.time() if now is None else now)
    if remaining <= 0:
        return _refusal(410, "Gone")  # ours, but expired: the page's link signs a new one
    etag = f'"{sha256}"'
    cache = [("ETag", etag), ("Cache-Control", f"private, max-age={remaining}")]
    if if_none_match and _etag_matches(if_none_match, etag):
        return SignedAnswer(304, "Not Modified", [*cache, *_SECURITY_HEADERS])
    path = _local_path(storage_name)
    try:
        handle = open(path, "rb") if path else None  # noqa: SIM115 (streamed, closed by the server)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        handle = None
    if handle is None:
        return _refusal(404, "Not Found")
    size = os.fstat(handle.fileno()).st_size
    headers = [
        ("Content-Type", "application/pdf"),
        ("Content-Length", str(size)),
        ("Content-Disposition", content_disposition_header(True, filename)),
        *cache,
        *_SECURITY_HEADERS,
    ]
    if method == "HEAD":
        handle.close()
        return SignedAnswer(200, "OK", headers)
    return SignedAnswer(200, "OK", headers, file=handle)


class SignedDocumentDispatcher:
    """WSGI: ``/documents/signed/…`` answered here (see the module), everything else to Django."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(MOUNT):
            return self.app(environ, start_response)
        answer = signed_answer(
            token=path[len(MOUNT) :],
            method=environ.get("REQUEST_METHOD", "GET"),
            if_none_match=environ.get("HTTP_IF_NONE_MATCH", ""),
        )
        start_response(answer.status_line, answer.headers)
        if answer.file is None:
            return [answer.body]
        file_wrapper = environ.get("wsgi.file_wrapper")
        if file_wrapper is not None:
            return file_wrapper(answer.file, BLOCK_SIZE)
        return _FileIterator(answer.file)


class _FileIterator:
    """The file in blocks, closed when the server closes the response (no ``wsgi.file_wrapper``)."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle

    def __iter__(self):
        return iter(lambda: self.handle.read(BLOCK_SIZE), b"")

    def close(self):
        self.handle.close()
