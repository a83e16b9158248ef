"""The drive's rules, the same for the browser and for WebDAV clients: names, quota, read-only folders.

Every service is keyword-only and atomic; an upload locks the account's quota row so two uploads at
once cannot both pass it.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from files.models import PreflightStatus
from orders.models import OrderStatus
from portal.audit import Action, audit_record
from portal.text import strip_bidi_controls

from .models import DriveAttachment, DriveEntry, DriveQuota

logger = logging.getLogger(__name__)

MAX_NAME_LENGTH = 200
ZIP_CHUNK = 1024 * 1024
_FORBIDDEN_IN_NAMES = re.compile(r"[\x00-\x1f\x7f/\\<>:\"|?*]")


class DriveError(Exception):
    """A refusal the customer can read: ``code`` names it, ``params`` fill its sentence."""

    code = "drive_error"

    def __init__(self, **params):
        super().__init__(self.code)
        self.params = params


class InvalidName(DriveError):
    code = "invalid_name"


class NameTaken(DriveError):
    code = "name_taken"


class ReadOnly(DriveError):
    code = "read_only"


class InProduction(DriveError):
    code = "in_production"


class QuotaExceeded(DriveError):
    code = "quota_exceeded"


class InvalidMove(DriveError):
    code = "invalid_move"


#: The audit action of an entry moved to another folder or space.
MOVED = "moved"


def _audit(*, user, action: str, entry: DriveEntry, changes: dict | None = None) -> None:
    """One audit row on the entry, in the service's transaction (who: the user, or the request's)."""
    audit_record(
        actor=user if getattr(user, "pk", None) else None,
        action=action,
        obj=entry,
        account_id=entry.account_id,
        changes=changes,
        message=entry.name,
    )


def clean_entry_name(name: str) -> str:
    """A name for a folder or a file: one path segment, no controls, no look-alike of ``.`` or ``..``.

    The checks run on the NFKC folding (full-width dots and slashes are refused as ``..`` and ``/``
    are); the name kept is the customer's own, in NFC, so a client finds it as it wrote it — spaces
    at either end included (a synced folder may hold "  notes.txt"; the browser's forms strip them).
    """
    if not isinstance(name, str):
        raise InvalidName
    cleaned = unicodedata.normalize("NFC", strip_bidi_controls(name))
    folded = unicodedata.normalize("NFKC", cleaned).strip()
    if not folded or set(folded) <= {"."} or _FORBIDDEN_IN_NAMES.search(folded):
        raise InvalidName
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidName
    return cleaned


# --- Quota ----------------------------------------------------------------------------------------


def quota_for(account) -> DriveQuota:
    quota, _created = DriveQuota.objects.get_or_create(account=account)
    return quota


def usage_bytes(account) -> int:
    """What counts against the quota: every file but the copies the portal keeps of the account's orders."""
    rows = DriveEntry.objects.filter(account=account, is_folder=False, read_only=False)
    return rows.aggregate(total=Sum("size"))["total"] or 0


def remaining_bytes(account) -> int:
    """What is left of the quota now (the upload handler caps the stream with it; the service re-checks)."""
    return max(0, quota_for(account).limit_bytes - usage_bytes(account))


def _lock_quota(account) -> DriveQuota:
    quota_for(account)
    return DriveQuota.objects.select_for_update().get(account=account)


@transaction.atomic
def quota_set(*, account, limit_bytes: int) -> DriveQuota:
    quota = _lock_quota(account)
    before = quota.limit_bytes
    quota.limit_bytes = limit_bytes
    quota.save(update_fields=["limit_bytes"])
    audit_record(
        actor=None,
        action=Action.CHANGED,
        obj=quota,
        account_id=quota.account_id,
        changes={"limit_bytes": [before, limit_bytes]},
    )
    return quota


# --- Orders that use a file -----------------------------------------------------------------------

#: The shop has taken the order: the files it was made from may no longer change.
PRODUCTION_STATUSES = (OrderStatus.ACCEPTED, OrderStatus.IN_PRODUCTION)


def production_orders_for(entries: Iterable[DriveEntry]) -> dict[int, str]:
    """{entry pk: number of an order in production that uses it}, in one query for any number of files."""
    pks = [entry.pk for entry in entries if not entry.is_folder]
    if not pks:
        return {}
    rows = (
        DriveAttachment.objects.filter(
            entry_id__in=pks, product_file__product__basket_lines__basket__order__status__in=PRODUCTION_STATUSES
        )
        .order_by("entry_id", "product_file__product__basket_lines__basket__order__number")
        .values_list("entry_id", "product_file__product__basket_lines__basket__order__number")
    )
    found: dict[int, str] = {}
    for entry_id, number in rows:
        found.setdefault(entry_id, number or "")
    return found


def production_order_for(entry: DriveEntry) -> str | None:
    """The number of an order in production that uses this file, if any (it may then not change)."""
    return production_orders_for([entry]).get(entry.pk)


# --- Helpers --------------------------------------------------------------------------------------


def _siblings(*, account, space: str, parent: DriveEntry | None):
    rows = DriveEntry.objects.filter(account=account, space=space)
    return rows.filter(parent=parent) if parent is not None else rows.filter(parent__isnull=True)


def _check_target_folder(*, account, space: str, parent: DriveEntry | None) -> None:
    if parent is None:
        return
    if parent.account_id != account.pk or not parent.is_folder or parent.space != space:
        raise InvalidMove
    if parent.read_only:
        raise ReadOnly(name=parent.name)


def _name_free(*, account, space: str, parent, name: str, exclude_pk=None) -> None:
    rows = _siblings(account=account, space=space, parent=parent).filter(name__iexact=name)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    if rows.exists():
        raise NameTaken(name=name)


def _forget_stored(*names: str) -> None:
    storage = DriveEntry._meta.get_field("file").storage
    for name in filter(None, names):
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete stored drive file %s", name, exc_info=True)


def enqueue_preview(entry: DriveEntry) -> None:
    """A PDF is checked and its first pages drawn in the worker, as for product files."""
    if entry.preflight_status == PreflightStatus.PENDING:
        from .tasks import preflight_drive_entry

        preflight_drive_entry.delay_on_commit(entry.pk)


def descendants(entry: DriveEntry) -> list[DriveEntry]:
    """Every entry under a folder, one query per level."""
    found: list[DriveEntry] = []
    level = [entry.pk]
    while level:
        rows = list(DriveEntry.objects.filter(parent_id__in=level))
        found.extend(rows)
        level = [row.pk for row in rows if row.is_folder]
    return found


# --- Services -------------------------------------------------------------------------------------


@transaction.atomic
def folder_create(*, account, space: str, parent: DriveEntry | None, name: str, user, read_only: bool = False):
    name = clean_entry_name(name)
    _check_target_folder(account=account, space=space, parent=parent)
    _name_free(account=account, space=space, parent=parent, name=name)
    try:
        with transaction.atomic():
            folder = DriveEntry.objects.create(
                account=account,
                space=space,
                parent=parent,
                is_folder=True,
                name=name,
                read_only=read_only,
                uploaded_by=user if getattr(user, "pk", None) else None,
            )
    except IntegrityError as error:
        raise NameTaken(name=name) from error
    _audit(user=user, action=Action.CREATED, entry=folder)
    return folder


@transaction.atomic
def file_upload(
    *,
    account,
    space: str,
    parent: DriveEntry | None,
    upload: UploadedFile,
    sha256: str,
    user,
    content_type: str = "",
    name: str | None = None,
    replace: bool = False,
) -> DriveEntry:
    """Store an uploaded file (already streamed to disk and judged by the intake if it is a PDF).

    With ``replace``, a file of the same name in the folder gets the new content (unless an order in
    production uses it); otherwise the name must be free.
    """
    name = clean_entry_name(name if name is not None else os.path.basename(upload.name or ""))
    _check_target_folder(account=account, space=space, parent=parent)
    quota = _lock_quota(account)
    existing = _siblings(account=account, space=space, parent=parent).filter(name__iexact=name).first()
    if existing is not None and (not replace or existing.is_folder):
        raise NameTaken(name=name)
    if existing is not None:
        order = production_order_for(existing)
        if order:
            raise InProduction(name=existing.name, order=order)
    freed = existing.size if existing is not None else 0
    if usage_bytes(account) - freed + upload.size > quota.limit_bytes:
        raise QuotaExceeded(limit=quota.limit_bytes)
    now = timezone.now()
    entry = existing or DriveEntry(account=account, space=space, parent=parent, name=name, created_at=now)
    old_name = existing.file.name if existing is not None else ""
    entry.file = upload
    entry.size = upload.size
    entry.sha256 = sha256
    entry.content_type = (content_type or "application/octet-stream")[:100]
    entry.uploaded_by = user if getattr(user, "pk", None) else None
    entry.modified_at = now
    old_previews = list(entry.previews or [])
    entry.previews = []
    entry.page_count = None
    entry.preflight_report = {}
    entry.preflight_status = PreflightStatus.PENDING if entry.content_type == "application/pdf" else ""
    try:
        with transaction.atomic():
            entry.save()
    except BaseException:
        if entry.file.name and entry.file._committed and entry.file.name != old_name:
            _forget_stored(entry.file.name)
        raise
    if old_name or old_previews:
        transaction.on_commit(lambda: _forget_stored(old_name, *old_previews))
    enqueue_preview(entry)
    _audit(
        user=user,
        action=Action.CHANGED if existing is not None else Action.CREATED,
        entry=entry,
        changes={"size": [freed if existing is not None else None, entry.size], "sha256": [None, sha256]},
    )
    return entry


@transaction.atomic
def entry_rename(*, entry: DriveEntry, name: str) -> DriveEntry:
    locked = DriveEntry.objects.select_for_update().get(pk=entry.pk)
    _refuse_change(locked)
    name = clean_entry_name(name)
    _name_free(account=locked.account, space=locked.space, parent=locked.parent, name=name, exclude_pk=locked.pk)
    before = locked.name
    locked.name = name
    locked.modified_at = timezone.now()
    locked.save(update_fields=["name", "modified_at"])
    _audit(user=None, action=Action.CHANGED, entry=locked, changes={"name": [before, name]})
    return locked


@transaction.atomic
def entry_move(*, entry: DriveEntry, space: str, parent: DriveEntry | None, name: str | None = None) -> DriveEntry:
    """Move an entry (and what it holds) into another folder or to a space's root."""
    locked = DriveEntry.objects.select_for_update().get(pk=entry.pk)
    _refuse_change(locked)
    _check_target_folder(account=locked.account, space=space, parent=parent)
    if (
        parent is not None
        and locked.is_folder
        and (parent.pk == locked.pk or parent.pk in {row.pk for row in descendants(locked)})
    ):
        raise InvalidMove
    new_name = clean_entry_name(name) if name is not None else locked.name
    _name_free(account=locked.account, space=space, parent=parent, name=new_name, exclude_pk=locked.pk)
    moved = {
        "space": [locked.space, space],
        "parent": [locked.parent_id, parent.pk if parent is not None else None],
        "name": [locked.name, new_name],
    }
    locked.space = space
    locked.parent = parent
    locked.name = new_name
    locked.modified_at = timezone.now()
    locked.save(update_fields=["space", "parent", "name", "modified_at"])
    if locked.is_folder:
        DriveEntry.objects.filter(pk__in=[row.pk for row in descendants(locked)]).update(space=space)
    _audit(user=None, action=MOVED, entry=locked, changes={k: v for k, v in moved.items() if v[0] != v[1]})
    return locked


def _refuse_change(entry: DriveEntry) -> None:
    if entry.read_only or (entry.parent_id and entry.parent.read_only):
        raise ReadOnly(name=entry.name)
    order = production_order_for(entry)
    if order:
        raise InProduction(name=entry.name, order=order)


@transaction.atomic
def entry_delete(*, entry: DriveEntry) -> None:
    """Delete a file, or a folder and everything in it; the stored bytes go once the rows are gone."""
    locked = DriveEntry.objects.select_for_update().get(pk=entry.pk)
    _refuse_change(locked)
    inside = descendants(locked) if locked.is_folder else []
    for row in inside:
        if row.read_only:
            raise ReadOnly(name=row.name)
    in_production = production_orders_for(inside)
    for row in inside:
        if row.pk in in_production:
            raise InProduction(name=row.name, order=in_production[row.pk])
    names = [row.file.name for row in [locked, *inside] if not row.is_folder and row.file]
    names += [name for row in [locked, *inside] for name in row.previews or []]
    _audit(user=None, action=Action.DELETED, entry=locked, changes={"entries": [1 + len(inside), 0]})
    locked.delete()
    transaction.on_commit(lambda: _forget_stored(*names))


# --- Downloads ------------------------------------------------------------------------------------


class _Sink:
    """A write-only stream whose bytes are taken out as the ZIP is written (never the whole archive)."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def zip_members(folder: DriveEntry) -> list[tuple[str, DriveEntry]]:
    """(path inside the archive, entry) for every file and folder under ``folder``."""
    rows = descendants(folder)
    by_pk = {folder.pk: folder, **{row.pk: row for row in rows}}

    def path_of(row: DriveEntry) -> str:
        parts = []
        current = row
        while current.pk != folder.pk:
            parts.append(current.name)
            current = by_pk[current.parent_id]
        return "/".join(reversed(parts))

    return sorted(((path_of(row) + ("/" if row.is_folder else ""), row) for row in rows), key=lambda item: item[0])


def zip_stream(folder: DriveEntry) -> Iterator[bytes]:
    """The folder as a ZIP archive, produced chunk by chunk while it is sent."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for path, row in zip_members(folder):
            if row.is_folder:
                archive.writestr(path, b"")
                yield sink.take()
                continue
            info = zipfile.ZipInfo(path, date_time=timezone.localtime(row.modified_at).timetuple()[:6])
            try:
                source = row.file.open("rb")
            except OSError:
                logger.warning("Drive file %s is missing from storage", row.pk)
                continue
            with source, archive.open(info, "w", force_zip64=True) as target:
                for chunk in _chunks(source):
                    target.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


def _chunks(source) -> Iterable[bytes]:
    while chunk := source.read(ZIP_CHUNK):
        yield chunk


@transaction.atomic
def file_create_empty(*, account, space: str, parent: DriveEntry | None, name: str, user) -> DriveEntry:
    """An empty file (a WebDAV client's PUT begins so, and a LOCK on a new name makes one)."""
    import mimetypes

    name = clean_entry_name(name)
    _check_target_folder(account=account, space=space, parent=parent)
    _name_free(account=account, space=space, parent=parent, name=name)
    try:
        with transaction.atomic():
            entry = DriveEntry.objects.create(
                account=account,
                space=space,
                parent=parent,
                name=name,
                content_type=(mimetypes.guess_type(name)[0] or "application/octet-stream")[:100],
                uploaded_by=user if getattr(user, "pk", None) else None,
            )
    except IntegrityError as error:
        raise NameTaken(name=name) from error
    _audit(user=user, action=Action.CREATED, entry=entry)
    return entry


def file_copy(*, entry: DriveEntry, space: str, parent: DriveEntry | None, name: str, user) -> DriveEntry:
    """A copy of a file under a new generated key, counted in the quota like an upload."""
    from django.core.files.base import ContentFile, File

    if not entry.file:
        copy = ContentFile(b"", name=name)
        return file_upload(
            account=entry.account,
            space=space,
            parent=parent,
            upload=copy,
            sha256=entry.sha256,
            user=user,
            content_type=entry.content_type,
            name=name,
            replace=True,
        )
    with entry.file.open("rb") as source:
        upload = File(source, name=name)
        upload.size = entry.size
        return file_upload(
            account=entry.account,
            space=space,
            parent=parent,
            upload=upload,
            sha256=entry.sha256,
            user=user,
            content_type=entry.content_type,
            name=name,
            replace=True,
        )
