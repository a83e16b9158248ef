"""Issue a document, render it (in the ``documents`` worker), re-issue it, and find the unreferenced.

``document_issue`` never renders: it records the document (or finds the one already current for
that object, kind and language, with the same content) and enqueues its render once the caller's
transaction commits. In the embedded mode tasks run in-process, so the document is ready at once.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from portal.audit import audit_record
from portal.models import Document, DocumentStatus

from .registry import document_kind, document_kinds

#: The audit action of a document issued again by staff.
REISSUED = "document_reissued"

logger = logging.getLogger(__name__)

#: Where stored documents live in the default storage; e-mailed quotes were kept under ``quotes/``.
STORAGE_PREFIX = "documents"
LEGACY_PREFIXES = ("quotes",)


def _new_storage_name(kind: str) -> str:
    return f"{STORAGE_PREFIX}/{kind}/{uuid.uuid4().hex}.pdf"


def _enqueue_render(document: Document, then=None) -> None:
    """Render ``document`` in the worker after commit; ``then`` (a Celery signature) runs after it."""
    from .tasks import render_document

    signature = render_document.si(document.pk)
    if then is not None:
        signature = signature | then
    transaction.on_commit(signature.delay)


def document_then(*, document: Document, task) -> None:
    """Run ``task`` (a Celery signature, e.g. an e-mail attaching the file) once ``document`` is
    stored: after commit if it is, after its render otherwise (a render already queued holds the
    row's lock, so this one waits for it and then finds the file stored: nothing is drawn twice)."""
    if document.is_ready:
        transaction.on_commit(task.delay)
    else:
        _enqueue_render(document, task)


def _current(*, kind: str, content_type: ContentType, object_id: int, language: str, lock: bool = False):
    rows = Document.objects.filter(
        kind=kind, content_type=content_type, object_id=object_id, language=language, is_current=True
    )
    if lock:
        rows = rows.select_for_update()
    return rows.first()


def document_current(*, kind: str, obj, language: str) -> Document | None:
    """The current document of ``obj`` in ``language``, if one was issued (nothing is enqueued)."""
    return _current(kind=kind, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, language=language)


def _create_version(*, kind, content_type, object_id, language, content_key, user) -> Document:
    last = Document.objects.filter(
        kind=kind, content_type=content_type, object_id=object_id, language=language
    ).aggregate(last=Max("version"))["last"]
    return Document.objects.create(
        kind=kind,
        content_type=content_type,
        object_id=object_id,
        language=language,
        content_key=content_key,
        version=(last or 0) + 1,
        storage_name=_new_storage_name(kind),
        requested_by=user if getattr(user, "pk", None) else None,
    )


def document_issue(*, kind: str, obj, language: str, user=None) -> Document:
    """The current document of ``obj`` in ``language``, issued (and its render enqueued) if needed.

    An immutable object's document is rendered once per language; a changing object's document is
    keyed by its content, so asking again with the same content reuses it and a change makes a new
    version. A failed render is tried again."""
    spec = document_kind(kind)
    content_type = ContentType.objects.get_for_model(obj)
    content_key = spec.key_of(obj)
    lookup = {"kind": kind, "content_type": content_type, "object_id": obj.pk, "language": language}
    # Every download asks: a stored, unchanged document is answered with one read and no lock.
    document = _current(**lookup)
    if document is not None and document.content_key == content_key and document.status != DocumentStatus.FAILED:
        return document
    return _document_issue_locked(lookup=lookup, content_key=content_key, user=user)


@transaction.atomic
def _document_issue_locked(*, lookup: dict, content_key: str, user) -> Document:
    document = _current(**lookup, lock=True)
    if document is not None and document.content_key == content_key:
        if document.status == DocumentStatus.FAILED:
            document.status, document.error = DocumentStatus.PENDING, ""
            document.save(update_fields=["status", "error"])
            _enqueue_render(document)
        return document
    if document is not None:  # the content changed: the old version is superseded
        document.is_current = False
        document.save(update_fields=["is_current"])
    try:
        with transaction.atomic():
            document = _create_version(**lookup, content_key=content_key, user=user)
    except IntegrityError:  # a simultaneous request issued it first
        document = _current(**lookup)
        if document is None:
            raise
    _enqueue_render(document)
    return document


@transaction.atomic
def document_reissue(*, document: Document, user=None) -> Document:
    """A new version of ``document`` (staff, in the administration): rendered again, the old one kept."""
    current = Document.objects.select_for_update().get(pk=document.pk)
    lookup = {
        "kind": current.kind,
        "content_type": current.content_type,
        "object_id": current.object_id,
        "language": current.language,
    }
    Document.objects.filter(**lookup, is_current=True).update(is_current=False)
    fresh = _create_version(**lookup, content_key=current.content_key, user=user)
    _enqueue_render(fresh)
    # The old version stays stored; the audit row says which one it was, on the object's history.
    owner = current.content_object or current
    audit_record(
        actor=user,
        action=REISSUED,
        obj=owner,
        account_id=getattr(owner, "account_id", None),
        changes={"document": [current.pk, fresh.pk], "version": [current.version, fresh.version]},
        message=f"{current.kind} ({current.language})",
    )
    return fresh


@transaction.atomic
def document_restore(*, document: Document) -> Document:
    """The stored file of ``document`` is gone: render it again into a new file (no new version)."""
    row = Document.objects.select_for_update().get(pk=document.pk)
    if row.status != DocumentStatus.PENDING:
        logger.warning("document %s: stored file %s is missing, rendering it again", row.pk, row.storage_name)
        row.status, row.storage_name, row.sha256, row.size = DocumentStatus.PENDING, _new_storage_name(row.kind), "", 0
        row.save(update_fields=["status", "storage_name", "sha256", "size"])
        _enqueue_render(row)
    return row


def document_render(*, document_id: int) -> Document | None:
    """Render and store one document (the worker's job). Idempotent: a stored one is left alone, and
    the row is locked while it renders, so a second delivery waits and then finds it stored."""
    failure: Exception | None = None
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.is_ready:
            return document
        spec = document_kind(document.kind)
        try:
            obj = spec.load_object(document.object_id)
        except spec.model.DoesNotExist:
            document.status, document.error = DocumentStatus.FAILED, "object deleted"
            document.save(update_fields=["status", "error"])
            return None
        try:
            pdf = spec.render(obj, document.language)
        except Exception as error:
            failure = error
            document.status, document.error = DocumentStatus.FAILED, repr(error)[:2000]
            document.save(update_fields=["status", "error"])
        else:
            document.storage_name = default_storage.save(document.storage_name, ContentFile(pdf))
            document.sha256 = hashlib.sha256(pdf).hexdigest()
            document.size = len(pdf)
            document.content_key = spec.key_of(obj)  # what was rendered, should the object have moved since
            document.status, document.error = DocumentStatus.READY, ""
            document.rendered_at = timezone.now()
            document.save(
                update_fields=["storage_name", "sha256", "size", "content_key", "status", "error", "rendered_at"]
            )
    if failure is not None:
        raise failure
    return document


# --- Unreferenced documents (the operator's command) ---------------------------------------------


@dataclass(frozen=True)
class Unreferenced:
    """What no object references any more: rows (with their files) and files no row names."""

    documents: list[Document]
    files: list[str]


def _stored_files(prefix: str) -> list[str]:
    found: list[str] = []
    pending = [prefix]
    while pending:
        folder = pending.pop()
        try:
            directories, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        found.extend(f"{folder}/{name}" for name in files)
        pending.extend(f"{folder}/{name}" for name in directories)
    return sorted(found)


def documents_unreferenced() -> Unreferenced:
    """Documents whose object is gone, superseded versions of changing objects' documents (a cart's
    old content), and stored files under the documents' folders (and the old ``quotes/`` e-mail
    copies) that no document names. Re-issued versions of immutable documents stay: the history
    of what was sent refers to them."""
    orphans: list[Document] = []
    for spec in document_kinds():
        content_type = ContentType.objects.get_for_model(spec.model)
        existing = spec.model._default_manager.values("pk")
        rows = Document.objects.filter(kind=spec.kind)
        orphans.extend(rows.filter(content_type=content_type).exclude(object_id__in=existing))
        if spec.content_key is not None:
            orphans.extend(rows.filter(is_current=False).exclude(content_key=""))
    known_kinds = [spec.kind for spec in document_kinds()]
    orphans.extend(Document.objects.exclude(kind__in=known_kinds))
    named = set(Document.objects.values_list("storage_name", flat=True))
    files = [
        name for prefix in (STORAGE_PREFIX, *LEGACY_PREFIXES) for name in _stored_files(prefix) if name not in named
    ]
    unique = {document.pk: document for document in orphans}
    return Unreferenced(documents=sorted(unique.values(), key=lambda d: d.pk), files=sorted(set(files)))


def documents_purge(unreferenced: Unreferenced) -> tuple[int, int]:
    """Delete the rows and files ``documents_unreferenced`` found; returns (rows, files) removed."""
    files = set(unreferenced.files) | {document.storage_name for document in unreferenced.documents}
    removed_files = 0
    for name in sorted(files):
        if default_storage.exists(name):
            default_storage.delete(name)
            removed_files += 1
    rows, _ = Document.objects.filter(pk__in=[document.pk for document in unreferenced.documents]).delete()
    return rows, removed_files
