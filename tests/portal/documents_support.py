"""Helpers for tests that need stored documents: run the worker's task, as the worker would."""

from __future__ import annotations


def render_pending_documents() -> list[int]:
    """Call the ``documents`` worker's task for every document still being prepared; their ids."""
    from portal.documents.tasks import render_document
    from portal.models import Document

    pending = list(Document.objects.filter(status=Document.Status.PENDING).values_list("pk", flat=True))
    for pk in pending:
        render_document(pk)
    return pending


class WsgiAnswer:
    """What a WSGI application answered: ``status`` (int), ``headers`` (dict), ``body`` (bytes)."""

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes):
        self.status_line = status
        self.status = int(status.split()[0])
        self.headers = dict(headers)
        self.body = body


def wsgi_get(path: str, *, method: str = "GET", headers: dict[str, str] | None = None, app=None) -> WsgiAnswer:
    """``path`` asked of ``portal.documents.signed.SignedDocumentDispatcher`` (in front of ``app``,
    by default one that fails: Django must not be reached) as gunicorn would, ``wsgi.file_wrapper``
    included; the body read whole and the iterable closed, as a server does."""
    from wsgiref.util import FileWrapper, setup_testing_defaults

    from portal.documents.signed import SignedDocumentDispatcher

    def unreachable(environ, start_response):
        raise AssertionError(f"reached Django: {environ['PATH_INFO']}")

    environ: dict = {"PATH_INFO": path, "REQUEST_METHOD": method, "wsgi.file_wrapper": FileWrapper}
    for name, value in (headers or {}).items():
        environ[f"HTTP_{name.upper().replace('-', '_')}"] = value
    setup_testing_defaults(environ)
    seen: dict = {}

    def start_response(status, response_headers, exc_info=None):
        seen.update(status=status, headers=response_headers)

    iterable = SignedDocumentDispatcher(app or unreachable)(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    return WsgiAnswer(seen["status"], seen["headers"], body)
