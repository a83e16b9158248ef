"""WsgiDAV's property manager and lock storage over the database, one account at a time.

WsgiDAV names a resource by its URL path, the same for every account ("/My files/a.pdf"), and
its lock storage is not told who asks: the account of the WebDAV call in progress is kept in a
context variable set when the call signs in (``current_account_id``), and every row is the
account's own.
"""

from __future__ import annotations

import base64
import contextvars
import time

from django.db import transaction
from wsgidav import util
from wsgidav.dav_error import HTTP_FORBIDDEN, DAVError
from wsgidav.lock_man.lock_manager import generate_lock_token, normalize_lock_root, validate_lock
from wsgidav.lock_man.lock_storage import LockStorageDict

from ..models import DavLock, DavProperty

MAX_VALUE = DavProperty._meta.get_field("value").max_length
MAX_PATH = DavProperty._meta.get_field("path").max_length
MAX_NAME = DavProperty._meta.get_field("name").max_length
#: Locks an account may hold at once (a client holds a few; a script that locks without end is stopped).
MAX_LOCKS_PER_ACCOUNT = 1000

current_account_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("drive_dav_account", default=None)


class _Listing:
    """The dead properties and locks of one folder's members, read in two queries for a PROPFIND of
    depth 1 (``prefetch_members``), so listing 10,000 files does not ask 20,000 more."""

    def __init__(self, account_id: int, prefix: str):
        self.prefix = prefix
        self.properties: dict[str, list[str]] = {}
        for path, name in DavProperty.objects.filter(account_id=account_id, path__startswith=prefix).values_list(
            "path", "name"
        ):
            self.properties.setdefault(path, []).append(name)
        self.locks = list(DavLock.objects.filter(account_id=account_id, root__startswith=prefix))

    def covers(self, url: str) -> bool:
        """``url`` is a direct member of the folder (``prefix`` + one segment, maybe with a slash)."""
        rest = url[len(self.prefix) :] if url.startswith(self.prefix) else ""
        return bool(rest) and "/" not in rest.rstrip("/")


current_listing: contextvars.ContextVar[_Listing | None] = contextvars.ContextVar("drive_dav_listing", default=None)


def prefetch_members(folder_url: str) -> None:
    """Read the members' properties and locks of ``folder_url`` at once (for this request only)."""
    current_listing.set(_Listing(_account_id(), folder_url.rstrip("/") + "/"))


def _listing_for(url: str) -> _Listing | None:
    listing = current_listing.get()
    return listing if listing is not None and listing.covers(url) else None


def _account_id() -> int:
    account_id = current_account_id.get()
    if account_id is None:
        raise PermissionError("no WebDAV account in this context")
    return account_id


def _is_child_or_same(parent: str, path: str) -> bool:
    return util.is_equal_or_child_uri(parent, path)


class DatabasePropertyManager:
    """Dead properties in ``DavProperty``: the interface of ``wsgidav.prop_man.PropertyManager``."""

    def _rows(self):
        return DavProperty.objects.filter(account_id=_account_id())

    def get_properties(self, norm_url, environ=None):
        listing = _listing_for(norm_url)
        if listing is not None:
            return list(listing.properties.get(norm_url, []))
        return list(self._rows().filter(path=norm_url).values_list("name", flat=True))

    def get_property(self, norm_url, name, environ=None):
        value = self._rows().filter(path=norm_url, name=name).values_list("value", flat=True).first()
        return None if value is None else value.encode("utf-8")

    def write_property(self, norm_url, name, property_value, dry_run=False, environ=None):
        if dry_run:
            return
        if isinstance(property_value, bytes):
            property_value = property_value.decode("utf-8")
        if len(property_value) > MAX_VALUE or len(norm_url) > MAX_PATH or len(name) > MAX_NAME:
            raise DAVError(HTTP_FORBIDDEN, "Property too large")
        DavProperty.objects.update_or_create(
            account_id=_account_id(), path=norm_url, name=name, defaults={"value": property_value}
        )

    def remove_property(self, norm_url, name, dry_run=False, environ=None):
        if not dry_run:
            self._rows().filter(path=norm_url, name=name).delete()

    def remove_properties(self, norm_url, environ=None):
        self._rows().filter(path=norm_url).delete()

    @transaction.atomic
    def copy_properties(self, src_url, dest_url, environ=None):
        rows = list(self._rows().filter(path=src_url))
        self._rows().filter(path=dest_url).delete()
        DavProperty.objects.bulk_create(
            DavProperty(account_id=row.account_id, path=dest_url, name=row.name, value=row.value) for row in rows
        )

    @transaction.atomic
    def move_properties(self, src_url, dest_url, with_children, environ=None):
        rows = self._rows().filter(path__startswith=src_url) if with_children else self._rows().filter(path=src_url)
        moved = [row for row in rows if row.path == src_url or _is_child_or_same(src_url, row.path)]
        for row in moved:
            new_path = dest_url + row.path[len(src_url) :]
            self._rows().filter(path=new_path, name=row.name).delete()
            row.path = new_path
            row.save(update_fields=["path"])


def _encode(lock: dict) -> dict:
    data = dict(lock)
    owner = data.get("owner")
    if isinstance(owner, bytes):
        data["owner"] = {"b64": base64.b64encode(owner).decode("ascii")}
    return data


def _decode(data: dict) -> dict:
    lock = dict(data)
    owner = lock.get("owner")
    if isinstance(owner, dict) and "b64" in owner:
        lock["owner"] = base64.b64decode(owner["b64"])
    return lock


class DatabaseLockStorage(LockStorageDict):
    """Locks in ``DavLock``: the interface of ``wsgidav.lock_man.lock_storage.LockStorageDict``."""

    def __init__(self):
        super().__init__()

    def open(self):
        pass

    def close(self):
        pass

    def cleanup(self):
        DavLock.objects.filter(expire__gte=0, expire__lt=time.time()).delete()

    def clear(self):
        DavLock.objects.filter(account_id=_account_id()).delete()

    def _rows(self):
        return DavLock.objects.filter(account_id=_account_id())

    def get(self, token):
        row = self._rows().filter(token=token).first()
        if row is None:
            return None
        if 0 <= row.expire < time.time():
            row.delete()
            return None
        return _decode(row.data)

    def create(self, path, lock):
        assert lock.get("token") is None
        assert lock.get("expire") is None, "Use timeout instead of expire"
        path = normalize_lock_root(path)
        lock["root"] = path
        timeout = float(lock.get("timeout") or LockStorageDict.LOCK_TIME_OUT_DEFAULT)
        if timeout < 0 or timeout > LockStorageDict.LOCK_TIME_OUT_MAX:
            timeout = LockStorageDict.LOCK_TIME_OUT_MAX
        lock["timeout"] = timeout
        lock["expire"] = time.time() + timeout
        validate_lock(lock)
        if self._rows().exclude(expire__gte=0, expire__lt=time.time()).count() >= MAX_LOCKS_PER_ACCOUNT:
            raise DAVError(HTTP_FORBIDDEN, "Too many locks")
        lock["token"] = generate_lock_token()
        DavLock.objects.create(
            account_id=_account_id(), token=lock["token"], root=path, data=_encode(lock), expire=lock["expire"]
        )
        return lock

    def refresh(self, token, *, timeout):
        row = self._rows().get(token=token)
        if timeout < 0 or timeout > LockStorageDict.LOCK_TIME_OUT_MAX:
            timeout = LockStorageDict.LOCK_TIME_OUT_MAX
        lock = _decode(row.data)
        lock["timeout"] = timeout
        lock["expire"] = time.time() + timeout
        row.data = _encode(lock)
        row.expire = lock["expire"]
        row.save(update_fields=["data", "expire"])
        return lock

    def delete(self, token):
        deleted, _rows = self._rows().filter(token=token).delete()
        return bool(deleted)

    def get_lock_list(self, path, *, include_root, include_children, token_only):
        path = normalize_lock_root(path)
        now = time.time()
        listing = _listing_for(path)
        if listing is not None and include_root and not include_children:
            found = [row for row in listing.locks if row.root == path and not (0 <= row.expire < now)]
            return [row.token for row in found] if token_only else [_decode(row.data) for row in found]
        rows = self._rows().exclude(expire__gte=0, expire__lt=now)
        found = []
        for row in rows.filter(root=path) if include_root else []:
            found.append(row)
        if include_children:
            prefix = path.rstrip("/") + "/"
            found.extend(rows.filter(root__startswith=prefix))
        if token_only:
            return [row.token for row in found]
        return [_decode(row.data) for row in found]
