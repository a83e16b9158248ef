from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from . import engines, registry, text
from .models import TEXT_MAX_LENGTH, SearchDocument

#: documents written per statement by ``rebuild``
BATCH = 2000


def _write(kind: str, documents: Iterable[registry.Document]) -> int:
    rows = [
        SearchDocument(
            account_id=d.account_id,
            kind=kind,
            object_id=d.object_id,
            text=d.text[: TEXT_MAX_LENGTH + 1].rpartition(" ")[0] if len(d.text) > TEXT_MAX_LENGTH else d.text,
            last_ordered_at=d.last_ordered_at,
        )
        for d in documents
    ]
    SearchDocument.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["account_id", "text", "last_ordered_at"],
    )
    return len(rows)


@transaction.atomic(savepoint=False)
def reindex(kind: str, ids: Iterable[int]) -> None:
    """Build again the documents of ``kind`` for the objects ``ids``; an object gone loses its document."""
    ids = sorted({int(i) for i in ids if i is not None})
    if not ids:
        return
    documents = list(registry.source(kind).documents(ids))
    found = {d.object_id for d in documents}
    gone = [i for i in ids if i not in found]
    if gone:
        SearchDocument.objects.filter(kind=kind, object_id__in=gone).delete()
    _write(kind, documents)


@transaction.atomic(savepoint=False)
def forget(kind: str, ids: Iterable[int]) -> None:
    SearchDocument.objects.filter(kind=kind, object_id__in=list(ids)).delete()


@transaction.atomic(savepoint=False)
def rebuild(kinds: Sequence[str] | None = None) -> dict[str, int]:
    """Empty and refill the documents of ``kinds`` (all registered kinds by default); counts by kind."""
    counts: dict[str, int] = {}
    for source in registry.sources():
        if kinds and source.kind not in kinds:
            continue
        SearchDocument.objects.filter(kind=source.kind).delete()
        counts[source.kind] = _write(source.kind, source.documents(None))
    return counts


def matching(scope, query: str, *, kinds: Sequence[str] | None = None) -> models.QuerySet:
    """The scope's documents matching every word of ``query``, most recently ordered first."""
    words = text.query_words(query)
    documents = SearchDocument.objects.visible_to(scope)
    if kinds is not None:
        documents = documents.filter(kind__in=kinds)
    if not words:
        return documents.none()
    return engines.filter_words(documents, words, account_id=scope.account_id).order_by("-last_ordered_at", "-id")


def matching_ids(scope, kind: str, query: str) -> models.QuerySet:
    """The ids of the objects of ``kind`` matching ``query`` (a subquery for ``pk__in``)."""
    return matching(scope, query, kinds=[kind]).values("object_id")


@dataclass
class Hit:
    kind: str
    object_id: int
    last_ordered_at: Any
    object: Any = None


def load(scope, documents: Iterable[SearchDocument]) -> list[Hit]:
    """The hits of a page of documents with their objects, one ``load`` per kind present."""
    hits = [Hit(kind=d.kind, object_id=d.object_id, last_ordered_at=d.last_ordered_at) for d in documents]
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.object_id)
    objects = {kind: registry.source(kind).load(scope, ids) for kind, ids in by_kind.items()}
    for hit in hits:
        hit.object = objects[hit.kind].get(hit.object_id)
    return [hit for hit in hits if hit.object is not None]


def search(scope, query: str) -> models.QuerySet:
    """What the full-screen search lists: every kind the scope may see."""
    return matching(scope, query)
