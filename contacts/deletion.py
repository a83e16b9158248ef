"""What goes with a deleted contact and what stops the deletion, as told by the apps above contacts.

Contacts sits below orders and imports nothing of it (the layers in pyproject.toml). An app whose
rows a contact creates registers a ``DeletionCascade`` from its ``AppConfig.ready()`` (orders, in
``orders.contact_deletion``): the rule saying which of those rows block the deletion stays with the
app that owns them. ``contacts.selectors.contact_deletion_plan`` and ``contacts.services.contact_delete``
ask every registered cascade.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class DeletionCascade:
    #: ``rows(contact_ids=..., lock=...)``: the rows those contacts created (each with ``created_by_id``),
    #: locked with ``select_for_update`` when ``lock`` is true, newest first for each contact.
    rows: Callable[..., Iterable[models.Model]]
    #: ``blocks(row)``: true when this row stops the deletion of its creator.
    blocks: Callable[[models.Model], bool]
    #: ``delete(rows=...)``: delete the rows that go with the contacts (inside the deletion's transaction).
    delete: Callable[..., None]


_cascades: dict[str, DeletionCascade] = {}


def register_deletion_cascade(name: str, cascade: DeletionCascade) -> None:
    _cascades[name] = cascade


def deletion_cascades() -> list[DeletionCascade]:
    return list(_cascades.values())
