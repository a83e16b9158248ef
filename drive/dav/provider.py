"""The drive over WebDAV: a WsgiDAV provider of our own over the drive's models, storage and services.

The tree a client sees: ``/My files/…`` and ``/Drive/…``, the account's two spaces. Every read goes
through ``DriveEntry.objects.visible_to(scope)`` with the scope of the app password that signed in
(``portal.access.webdav_scope``); every write goes through ``drive.services`` (names, generated
storage keys, quota, read-only folders, the PDF intake), so a client follows the browser's rules.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import tempfile

from django.conf import settings
from django.core.files import File
from wsgidav.dav_error import (
    HTTP_BAD_REQUEST,
    HTTP_FORBIDDEN,
    HTTP_INSUFFICIENT_STORAGE,
    HTTP_MEDIATYPE_NOT_SUPPORTED,
    DAVError,
)
from wsgidav.dav_provider import DAVCollection, DAVNonCollection, DAVProvider

from portal.pdf_intake import inspect_pdf

from .. import services
from ..models import DriveEntry, Space
from ..uploads import looks_like_pdf, max_upload_bytes
from . import listing
from .stores import prefetch_members

logger = logging.getLogger(__name__)

SPACE_FOLDERS = {"My files": Space.MY_FILES, "Drive": Space.DRIVE}
FOLDER_OF_SPACE = {space: name for name, space in SPACE_FOLDERS.items()}
COPY_CHUNK = 1024 * 1024


def _scope(environ):
    return environ["drive.scope"]


def _account(environ):
    return environ["drive.user"].account


def _entries(environ):
    return DriveEntry.objects.visible_to(_scope(environ))


def _fail_for(error: services.DriveError):
    if isinstance(error, services.QuotaExceeded):
        raise DAVError(HTTP_INSUFFICIENT_STORAGE, "Quota exceeded") from error
    if isinstance(error, (services.ReadOnly, services.InProduction)):
        raise DAVError(HTTP_FORBIDDEN, error.code) from error
    if isinstance(error, services.NameTaken):
        raise DAVError(412, error.code) from error  # Precondition failed: the name is taken
    if isinstance(error, services.InvalidMove):
        raise DAVError(HTTP_FORBIDDEN, error.code) from error
    raise DAVError(HTTP_BAD_REQUEST, error.code) from error


def _join(path: str, name: str) -> str:
    return path.rstrip("/") + "/" + name


class _CachedRefUrl:
    """WsgiDAV asks a resource's quoted URL some ten times while listing it: quote it once."""

    _ref_url: str | None = None

    def get_ref_url(self):
        if self._ref_url is None:
            self._ref_url = super().get_ref_url()
        return self._ref_url


class RootCollection(DAVCollection):
    """The two spaces, as two folders."""

    def get_member_names(self):
        return list(SPACE_FOLDERS)

    def get_member(self, name):
        if name in SPACE_FOLDERS:
            return FolderCollection(_join(self.path, name), self.environ, space=SPACE_FOLDERS[name], entry=None)
        return None

    def get_display_info(self):
        return {"type": "Directory"}

    def create_collection(self, name):
        raise DAVError(HTTP_FORBIDDEN, "The top level holds the two spaces only")

    def create_empty_resource(self, name):
        raise DAVError(HTTP_FORBIDDEN, "The top level holds the two spaces only")

    def delete(self):
        raise DAVError(HTTP_FORBIDDEN)


class FolderCollection(_CachedRefUrl, DAVCollection):
    """A space's top level (``entry`` is None) or one of its folders."""

    def __init__(self, path, environ, *, space: str, entry: DriveEntry | None):
        super().__init__(path, environ)
        self.space = space
        self.entry = entry

    # --- Reading ---

    def _children(self):
        rows = _entries(self.environ).filter(space=self.space)
        return rows.filter(parent=self.entry) if self.entry is not None else rows.filter(parent__isnull=True)

    def get_member_names(self):
        return list(self._children().order_by("name").values_list("name", flat=True))

    def get_member_list(self):
        if self.environ.get("REQUEST_METHOD") == "PROPFIND":
            prefetch_members(self.get_ref_url())
        rows = self._children().defer("preflight_report", "previews")
        return [_resource_for(_join(self.path, row.name), self.environ, row) for row in rows]

    def get_member(self, name):
        row = self._children().filter(name=name).first()
        return _resource_for(_join(self.path, name), self.environ, row) if row is not None else None

    def get_display_info(self):
        return {"type": "Directory"}

    def get_creation_date(self):
        return self.entry.created_at.timestamp() if self.entry is not None else None

    def get_last_modified(self):
        return self.entry.modified_at.timestamp() if self.entry is not None else None

    def get_used_bytes(self):
        return services.usage_bytes(_account(self.environ))

    def get_available_bytes(self):
        return services.remaining_bytes(_account(self.environ))

    def get_etag(self):
        return None

    def support_etag(self):
        return False

    # --- Writing ---

    def create_empty_resource(self, name):
        account = _account(self.environ)
        try:
            entry = services.file_create_empty(
                account=account, space=self.space, parent=self.entry, name=name, user=self.environ["drive.user"]
            )
        except services.DriveError as error:
            _fail_for(error)
        resource = FileResource(_join(self.path, entry.name), self.environ, entry)
        resource.is_new = True
        return resource

    def create_collection(self, name):
        try:
            services.folder_create(
                account=_account(self.environ),
                space=self.space,
                parent=self.entry,
                name=name,
                user=self.environ["drive.user"],
            )
        except services.DriveError as error:
            _fail_for(error)

    def support_recursive_delete(self):
        return True

    def delete(self):
        if self.entry is None:
            raise DAVError(HTTP_FORBIDDEN, "A space cannot be deleted")
        try:
            services.entry_delete(entry=self.entry)
        except services.DriveError as error:
            _fail_for(error)
        self.remove_all_properties(recursive=True)
        self.remove_all_locks(recursive=True)

    def copy_move_single(self, dest_path, *, is_move):
        """Copy this folder alone (its members are copied one by one by WsgiDAV)."""
        if self.entry is None:
            raise DAVError(HTTP_FORBIDDEN)
        space, parent, name = self.provider.target_of(dest_path, self.environ)
        try:
            services.folder_create(
                account=_account(self.environ), space=space, parent=parent, name=name, user=self.environ["drive.user"]
            )
        except services.NameTaken:
            pass  # Copying onto an existing folder merges into it.
        except services.DriveError as error:
            _fail_for(error)

    def support_recursive_move(self, dest_path):
        return self.entry is not None

    def move_recursive(self, dest_path):
        space, parent, name = self.provider.target_of(dest_path, self.environ)
        try:
            services.entry_move(entry=self.entry, space=space, parent=parent, name=name)
        except services.DriveError as error:
            _fail_for(error)
        self.provider.prop_manager.move_properties(self.get_ref_url(), _ref_url(self, dest_path), with_children=True)


def _ref_url(resource, dest_path: str) -> str:
    from urllib.parse import quote

    return quote(resource.provider.share_path + dest_path)


class _CappedWriter(io.RawIOBase):
    """The body of a PUT, written to a temporary file on disk, refused once it passes the cap."""

    def __init__(self, *, limit: int, quota_limited: bool):
        super().__init__()
        self.file = tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, delete=False)  # noqa: SIM115
        self.limit = limit
        self.quota_limited = quota_limited
        self.size = 0
        self.hash = hashlib.sha256()
        self.head = b""

    def writable(self):
        return True

    def write(self, data):
        self.size += len(data)
        if self.size > self.limit:
            raise DAVError(HTTP_INSUFFICIENT_STORAGE if self.quota_limited else 413, "Too large")
        if len(self.head) < 1024:
            self.head += data[: 1024 - len(self.head)]
        self.hash.update(data)
        self.file.write(data)
        return len(data)

    def close(self):
        if not self.file.closed:
            self.file.flush()
            self.file.close()
        super().close()

    def discard(self):
        self.close()
        with contextlib.suppress(OSError):
            os.unlink(self.file.name)


class _ReceivedFile(File):
    """The PUT body already on disk: local storage moves it into place instead of copying it again."""

    def temporary_file_path(self) -> str:
        return self.file.name


class FileResource(_CachedRefUrl, DAVNonCollection):
    def __init__(self, path, environ, entry: DriveEntry):
        super().__init__(path, environ)
        self.entry = entry
        self.is_new = False
        self._writer: _CappedWriter | None = None

    def get_content_length(self):
        return self.entry.size

    def get_content_type(self):
        return self.entry.content_type or "application/octet-stream"

    def get_creation_date(self):
        return self.entry.created_at.timestamp()

    def get_last_modified(self):
        return self.entry.modified_at.timestamp()

    def get_display_info(self):
        return {"type": "File"}

    def get_etag(self):
        if self.entry.sha256:
            return self.entry.sha256[:40]
        return f"{self.entry.pk}-{self.entry.size}-{int(self.entry.modified_at.timestamp() * 1000)}"

    def support_etag(self):
        return True

    def support_ranges(self):
        return True

    def get_content(self):
        if not self.entry.file:
            return io.BytesIO(b"")
        try:
            return self.entry.file.open("rb")
        except OSError as error:
            raise DAVError(404) from error

    def begin_write(self, *, content_type=None):
        if self.entry.read_only or (self.entry.parent_id and self.entry.parent.read_only):
            raise DAVError(HTTP_FORBIDDEN)
        account = _account(self.environ)
        remaining = services.remaining_bytes(account) + self.entry.size
        self._writer = _CappedWriter(
            limit=min(remaining, max_upload_bytes()), quota_limited=remaining < max_upload_bytes()
        )
        self._content_type = content_type
        return self._writer

    def end_write(self, *, with_errors):
        writer = self._writer
        if writer is None:
            return
        try:
            if with_errors:
                if self.is_new:
                    services.entry_delete(entry=self.entry)
                return
            self._store(writer)
        except DAVError:
            if self.is_new:
                services.entry_delete(entry=self.entry)
            raise
        finally:
            writer.discard()
            self._writer = None

    def _store(self, writer: _CappedWriter):
        declared = self.environ.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) != writer.size:
            raise DAVError(HTTP_BAD_REQUEST, "The body is not as long as its Content-Length says")
        is_pdf = looks_like_pdf(self.entry.name, self._content_type)
        if is_pdf and writer.size:
            result = inspect_pdf(writer.file.name)
            if result.problem:
                raise DAVError(HTTP_MEDIATYPE_NOT_SUPPORTED, f"PDF refused: {result.problem}")
        with open(writer.file.name, "rb") as handle:
            upload = _ReceivedFile(handle, name=self.entry.name)
            upload.size = writer.size
            try:
                self.entry = services.file_upload(
                    account=_account(self.environ),
                    space=self.entry.space,
                    parent=self.entry.parent,
                    upload=upload,
                    sha256=writer.hash.hexdigest(),
                    user=self.environ["drive.user"],
                    content_type="application/pdf" if is_pdf else (self._content_type or ""),
                    name=self.entry.name,
                    replace=True,
                )
            except services.DriveError as error:
                _fail_for(error)

    def delete(self):
        try:
            services.entry_delete(entry=self.entry)
        except services.DriveError as error:
            _fail_for(error)
        self.remove_all_properties(recursive=True)
        self.remove_all_locks(recursive=True)

    def copy_move_single(self, dest_path, *, is_move):
        space, parent, name = self.provider.target_of(dest_path, self.environ)
        if is_move:
            try:
                services.entry_move(entry=self.entry, space=space, parent=parent, name=name)
            except services.DriveError as error:
                _fail_for(error)
            return
        try:
            services.file_copy(entry=self.entry, space=space, parent=parent, name=name, user=self.environ["drive.user"])
        except services.DriveError as error:
            _fail_for(error)
        self.provider.prop_manager.copy_properties(self.get_ref_url(), _ref_url(self, dest_path))

    def support_recursive_move(self, dest_path):
        return True

    def move_recursive(self, dest_path):
        self.copy_move_single(dest_path, is_move=True)
        self.provider.prop_manager.move_properties(self.get_ref_url(), _ref_url(self, dest_path), with_children=False)


def _resource_for(path, environ, entry: DriveEntry):
    if entry.is_folder:
        return FolderCollection(path, environ, space=entry.space, entry=entry)
    return FileResource(path, environ, entry)


class DriveProvider(DAVProvider):
    """Resolves ``/My files/a/b.pdf`` to the account's entries, one query per path segment."""

    def custom_request_handler(self, environ, start_response, default_handler):
        """A big folder's listing is written by ``listing.fast_propfind``; everything else by WsgiDAV."""
        if environ.get("REQUEST_METHOD") == "PROPFIND":
            resource = self.get_resource_inst(environ["PATH_INFO"], environ)
            if isinstance(resource, FolderCollection):
                answer = listing.fast_propfind(resource, environ, start_response)
                if answer is not None:
                    return answer
        return default_handler(environ, start_response)

    def is_readonly(self):
        return False

    def _segments(self, path: str) -> list[str]:
        return [segment for segment in path.split("/") if segment]

    def get_resource_inst(self, path: str, environ: dict):
        self._count_get_resource_inst += 1
        segments = self._segments(path)
        if not segments:
            return RootCollection("/", environ)
        space = SPACE_FOLDERS.get(segments[0])
        if space is None:
            return None
        entry = None
        rows = _entries(environ).filter(space=space)
        for segment in segments[1:]:
            if entry is not None and not entry.is_folder:
                return None
            parent_rows = rows.filter(parent=entry) if entry is not None else rows.filter(parent__isnull=True)
            entry = parent_rows.select_related("parent").filter(name=segment).first()
            if entry is None:
                return None
        if entry is None:
            return FolderCollection("/" + segments[0], environ, space=space, entry=None)
        return _resource_for("/" + "/".join(segments), environ, entry)

    def target_of(self, dest_path: str, environ) -> tuple[str, DriveEntry | None, str]:
        """The space, parent folder and name a COPY or MOVE destination names."""
        segments = self._segments(dest_path)
        if len(segments) < 2 or segments[0] not in SPACE_FOLDERS:
            raise DAVError(HTTP_FORBIDDEN, "Destination outside the two spaces")
        parent = self.get_resource_inst("/" + "/".join(segments[:-1]), environ)
        if not isinstance(parent, FolderCollection):
            raise DAVError(409, "Destination folder missing")
        return parent.space, parent.entry, segments[-1]
