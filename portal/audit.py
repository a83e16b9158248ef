"""The audit log: one row per change of customer data, written in the service's own transaction.

Every service that changes customer data calls ``audit_record`` inside its ``@transaction.atomic``
block, so the row and the change commit or roll back together (the function refuses to run outside
a transaction). A row says who (a user, and/or a short label for who is not one: "generic link",
"import", "preflight"), when, on what (a generic reference and the object's name at the time, so
a deleted object keeps its history), for which account, the action, the fields' values from and
to, and a message.

Who acts is passed by the service when it knows (``actor=user``). When it does not (a basket
service takes no user), the kernel fills it in from the context: ``AuditActorMiddleware`` sets the
request's user for each request, and tasks, commands and the generic link say who they act as with
``with acting(user, label=...)``.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .models import AuditEntry


class AuditOutsideTransaction(RuntimeError):
    """``audit_record`` was called outside a transaction: the row would not share the change's fate."""


class Action:
    """The verbs every app shares; an app may add its own short codes (``basket_added``)."""

    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"
    STATUS = "status"
    SENT = "sent"
    COPIED = "copied"
    CHECKED = "checked"
    IMPORTED = "imported"
    PUBLISHED = "published"


ACTION_PATTERN = re.compile(r"^[a-z][a-z_]{0,39}$")
LABEL_LENGTH = AuditEntry._meta.get_field("actor_label").max_length
REPR_LENGTH = AuditEntry._meta.get_field("object_repr").max_length


@dataclass(frozen=True)
class Actor:
    user: Any = None
    label: str = ""


NOBODY = Actor()
_current: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


@contextlib.contextmanager
def acting(user=None, *, label: str = "") -> Iterator[None]:
    """Who the audit rows written inside this block are by, when the service is not told."""
    token = _current.set(Actor(user=user, label=label))
    try:
        yield
    finally:
        _current.reset(token)


def current_actor() -> Actor:
    return _current.get() or NOBODY


class AuditActorMiddleware:
    """The request's user acts in every service the request calls (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting(getattr(request, "user", None)):
            return self.get_response(request)


def _user_or_none(user):
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return None
    return user


def audit_value(value: Any) -> Any:
    """A field's value as the JSON of ``changes`` keeps it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [audit_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): audit_value(item) for key, item in value.items()}
    return str(value)


def _field_value(obj: models.Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    attribute = field.attname if getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False) else name
    return audit_value(getattr(obj, attribute))


def audit_snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` now, to compare with after the change (``audit_changes``)."""
    return {name: _field_value(obj, name) for name in fields}


EMPTY = (None, "")  # a blank text and no value are the same for whoever reads the history


def audit_changes(before: Mapping[str, Any], after_obj: models.Model, fields: Iterable[str]) -> dict[str, list]:
    """``{field: [from, to]}`` for each of ``fields`` whose value differs from ``before`` (blank and
    None count as the same)."""
    changes = {}
    for name in fields:
        after = _field_value(after_obj, name)
        previous = audit_value(before.get(name))
        if previous != after and not (previous in EMPTY and after in EMPTY):
            changes[name] = [previous, after]
    return changes


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | type[models.Model],
    account_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    message: str = "",
    actor_label: str = "",
    at: datetime.datetime | None = None,
) -> AuditEntry:
    """Write one audit row in the caller's transaction.

    ``obj`` is the object changed (or, for a change of many rows at once, its model class).
    ``actor`` is the user who acts, or None: then the context's actor (the request's user, or the
    one ``acting`` names). ``actor_label`` names who acts when it is not a user, or how (the
    context's label unless given). ``changes``: ``{field: [from, to]}`` (see ``audit_changes``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction("audit_record must run inside the service's transaction")
    if not ACTION_PATTERN.match(action):
        raise ValueError(f"not an audit action code: {action!r}")
    context = current_actor()
    user = _user_or_none(actor) or (_user_or_none(context.user) if actor is None else None)
    model = obj if isinstance(obj, type) else obj._meta.model  # also a lazy object (request.user)
    object_id = "" if isinstance(obj, type) or obj.pk is None else str(obj.pk)
    object_repr = model._meta.verbose_name_plural if isinstance(obj, type) else str(obj)
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        actor=user,
        actor_label=(actor_label or context.label)[:LABEL_LENGTH],
        account_id=account_id,
        content_type=ContentType.objects.get_for_model(model),
        object_id=object_id,
        object_repr=str(object_repr)[:REPR_LENGTH],
        action=action,
        changes=audit_value(dict(changes or {})),
        message=message,
    )


def audit_entries_of(obj: models.Model):
    """The rows about one object, oldest first, with their actors."""
    content_type = ContentType.objects.get_for_model(obj._meta.model)
    return (
        AuditEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("at", "id")
    )
