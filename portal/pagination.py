"""Keyset pagination for the long lists (orders, products, the address book, a product's orders).

A page is asked by the position of the row before it (``?after=``) or after it (``?before=``), never by
an offset: the database reads the page's rows through the ordering's index and nothing it skips, so
page 2,000 costs what page 1 costs, and what a row's annotations compute (an order's totals) is
computed for the rows shown only. The ordering must end with a unique field (``id``) and name no
nullable field; a cursor that cannot be read is the first page (a cursor only moves within the rows
the queryset already allows, so a forged one shows nothing more).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict

#: rows per page of a list, unless the list says otherwise
PER_PAGE = 25
#: counting stops here: "more than 1,000" is what a customer needs, and counting 100,000 rows is not free
COUNT_CAP = 1000
#: the longest cursor read (a few values of a row)
CURSOR_MAX_LENGTH = 400


@dataclass
class KeysetPage:
    object_list: list[Any]
    has_next: bool = False
    has_previous: bool = False
    next_url: str = ""
    previous_url: str = ""
    first_url: str = ""
    #: how many rows the whole list has (at most ``COUNT_CAP``), when the list asked for it
    count: int | None = None
    #: the list has more rows than ``count`` says
    count_capped: bool = False
    params: dict[str, str] = field(default_factory=dict)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _encode(values: Sequence[Any]) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, fields: Sequence[models.Field]) -> list[Any] | None:
    if not cursor or len(cursor) > CURSOR_MAX_LENGTH:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(fields):
            return None
        return [f.to_python(v) for f, v in zip(fields, values, strict=True)]
    except (ValueError, TypeError, ValidationError):
        return None


def _beyond(ordering: Sequence[str], values: Sequence[Any], *, forward: bool) -> models.Q:
    """The rows after ``values`` in ``ordering`` (before them when not ``forward``): the lexicographic
    ``(a, b, id) > (va, vb, vid)`` written so that each column keeps its own direction."""
    condition = models.Q()
    for index, name in enumerate(ordering):
        descending = name.startswith("-")
        column = name.lstrip("-")
        greater = descending != forward
        step = models.Q(**{f"{column}__{'lt' if not greater else 'gt'}": values[index]})
        for previous, value in zip(ordering[:index], values[:index], strict=False):
            step &= models.Q(**{previous.lstrip("-"): value})
        condition |= step
    # The same bound on the first column alone, which an index on the ordering can seek to (the OR
    # above is what is exact; this only lets the planner start the index scan at the cursor).
    first = ordering[0]
    bound = "lte" if first.startswith("-") == forward else "gte"
    return condition & models.Q(**{f"{first.lstrip('-')}__{bound}": values[0]})


def _reversed(ordering: Sequence[str]) -> list[str]:
    return [name[1:] if name.startswith("-") else f"-{name}" for name in ordering]


def _url(params: QueryDict | dict, **cursor: str) -> str:
    query = QueryDict(mutable=True)
    for key, value in params.lists() if isinstance(params, QueryDict) else ((k, [v]) for k, v in params.items()):
        if key not in ("after", "before", "page") and any(value):
            query.setlist(key, [v for v in value if v])
    for key, value in cursor.items():
        query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def keyset_page(
    queryset: models.QuerySet,
    *,
    params: QueryDict | dict,
    ordering: Sequence[str] = ("-created_at", "-id"),
    per_page: int = PER_PAGE,
    with_count: bool = False,
) -> KeysetPage:
    """The page of ``queryset`` that ``params`` (the request's GET) asks for by ``after`` / ``before``.

    Reads ``per_page + 1`` rows (to know whether there is a next page) and, when ``with_count``, counts
    the list up to ``COUNT_CAP`` rows (without the rows' annotations)."""
    model = queryset.model
    fields = [model._meta.get_field(name.lstrip("-")) for name in ordering]
    attnames = [f.attname for f in fields]
    after = _decode(str(params.get("after", "")), fields)
    before = None if after is not None else _decode(str(params.get("before", "")), fields)
    count = queryset.order_by().values("pk")[: COUNT_CAP + 1].count() if with_count else None
    rows = queryset
    if before is not None:
        rows = rows.filter(_beyond(ordering, before, forward=False)).order_by(*_reversed(ordering))
    else:
        if after is not None:
            rows = rows.filter(_beyond(ordering, after, forward=True))
        rows = rows.order_by(*ordering)
    found = list(rows[: per_page + 1])
    more = len(found) > per_page
    found = found[:per_page]
    if before is not None:
        found.reverse()
    page = KeysetPage(object_list=found, count=None if count is None else min(count, COUNT_CAP))
    page.count_capped = count is not None and count > COUNT_CAP
    page.has_next = more if before is None else True
    page.has_previous = after is not None or (before is not None and more)
    if found:
        first = [getattr(found[0], a) for a in attnames]
        last = [getattr(found[-1], a) for a in attnames]
        if page.has_next:
            page.next_url = _url(params, after=_encode(last))
        if page.has_previous:
            page.previous_url = _url(params, before=_encode(first))
    elif after is not None or before is not None:
        page.has_next = page.has_previous = False
    page.first_url = _url(params)
    return page
