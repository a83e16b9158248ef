"""The small fragment a page polls while its document is being prepared."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.access import customer_required
from portal.models import Document

from .registry import document_kind


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
