"""What feature apps feed the search with: each registers, in its ``ready()``, the kinds it offers.

A source names its kind, the area of the account its objects belong to (a reader who may not see the
area never finds them), how to build the documents of some of its objects (or of all of them, for the
rebuild), and how to load the objects of a page of results (a fixed number of queries per kind).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Document:
    account_id: int
    object_id: int
    text: str
    #: the last order's date (never ordered: the object's creation)
    last_ordered_at: datetime


@dataclass(frozen=True)
class Source:
    kind: str
    area: str
    #: ``documents(ids)``: the documents of the objects ``ids`` that exist (all objects when ``None``)
    documents: Callable[[Sequence[int] | None], Iterable[Document]]
    #: ``load(scope, ids)``: ``{id: object}`` of the objects the scope may see, ready to display
    load: Callable[[Any, Sequence[int]], dict[int, Any]]


_SOURCES: dict[str, Source] = {}


def register(
    kind: str,
    *,
    area: str,
    documents: Callable[[Sequence[int] | None], Iterable[Document]],
    load: Callable[[Any, Sequence[int]], dict[int, Any]],
) -> None:
    _SOURCES[kind] = Source(kind=kind, area=area, documents=documents, load=load)


def source(kind: str) -> Source:
    return _SOURCES[kind]


def sources() -> list[Source]:
    return list(_SOURCES.values())


def kinds_seen_by(scope) -> list[str]:
    return [s.kind for s in _SOURCES.values() if scope.sees(s.area)]
