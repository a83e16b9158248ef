"""Which documents exist: each feature app registers its kinds in its ``AppConfig.ready()``.

The kernel imports no feature app; a kind says which model its documents belong to, how to load one
object for rendering (with what the layout needs prefetched), how to render it and what the file is
called. A kind of a changing object (a cart) also says how to hash its content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    model: type[models.Model]
    #: ``render(obj, language) -> bytes`` (a PDF); runs in the ``documents`` worker
    render: Callable[[models.Model, str], bytes]
    #: ``filename(obj) -> str``, as the customer's download names it (e.g. ``devis-D2026-000012.pdf``)
    filename: Callable[[models.Model], str]
    #: ``download_url(obj) -> str``: the feature's download route, linked once the document is ready
    download_url: Callable[[models.Model], str]
    #: ``load(pk) -> obj`` with everything the layout reads prefetched; default: the model's row
    load: Callable[[int], models.Model] | None = None
    #: ``content_key(obj) -> str`` for a changing object: same content, same key, one render
    content_key: Callable[[models.Model], str] | None = None
    #: ``warm() -> None``: make the renderer ready in a fresh worker process (imports, fonts,
    #: stylesheets), so that the first document after a worker (re)start is not the slow one
    warm: Callable[[], None] | None = None

    def load_object(self, pk: int) -> models.Model:
        if self.load is not None:
            return self.load(pk)
        return self.model._default_manager.get(pk=pk)

    def key_of(self, obj: models.Model) -> str:
        return self.content_key(obj) if self.content_key is not None else ""


_kinds: dict[str, DocumentKind] = {}


class UnknownDocumentKind(LookupError):
    pass


def register(kind: str, render: Callable[[models.Model, str], bytes], **options) -> DocumentKind:
    """Declare a kind of document (``model``, ``filename``, ``download_url``, optional ``load``,
    ``content_key`` and ``warm``). Registering the same kind again replaces it (a test's renderer, a reload)."""
    spec = DocumentKind(kind=kind, render=render, **options)
    _kinds[kind] = spec
    return spec


def unregister(kind: str) -> None:
    _kinds.pop(kind, None)


def document_kind(kind: str) -> DocumentKind:
    try:
        return _kinds[kind]
    except KeyError:
        raise UnknownDocumentKind(kind) from None


def document_kinds() -> list[DocumentKind]:
    return list(_kinds.values())
