"""The small fragment a page polls while its document is being prepared, and the signed link's
answer routed in Django (where ``portal.wsgi``'s dispatcher is not in front: the test client, the
live test server)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.access import customer_required
from portal.models import Document

from .registry import document_kind
from .signed import signed_answer


def document_status_context(document: Document, obj) -> dict:
    return {"document": document, "download_url": document_kind(document.kind).download_url(obj)}


@customer_required
@require_GET
@never_cache
def document_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(Document.objects.visible_to(request.scope), pk=pk)
    spec = document_kind(document.kind)
    obj = spec.model._default_manager.visible_to(request.scope).filter(pk=document.object_id).first()
    if obj is None:
        raise Http404
    return render(request, "components/document_status.html", document_status_context(document, obj))


def document_signed_view(request: HttpRequest, token: str) -> HttpResponse:
    """``/documents/signed/<token>``: the same answer as ``signed.SignedDocumentDispatcher``."""
    answer = signed_answer(token=token, method=request.method, if_none_match=request.headers.get("If-None-Match", ""))
    if answer.file is not None:
        response = FileResponse(answer.file, status=answer.status)
    else:
        response = HttpResponse(answer.body, status=answer.status)
    for name, value in answer.headers:
        response[name] = value
    return response
