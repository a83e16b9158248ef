"""Notices on the administration's index: feature apps register what staff must see first.

    register_index_notice(late_activations)   # (request) -> list[IndexNotice]

The kernel imports no feature app: each registers from its ``AppConfig.ready()``; the index template
(``admin/portal_index.html``) shows every notice above the list of applications.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class IndexNotice:
    message: str
    url: str = ""
    level: str = "warning"


_notices: list[Callable] = []


def register_index_notice(provider: Callable) -> None:
    if provider not in _notices:
        _notices.append(provider)


def index_notices(request) -> list[IndexNotice]:
    found: list[IndexNotice] = []
    for provider in _notices:
        found.extend(provider(request) or [])
    return found
