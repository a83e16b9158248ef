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
