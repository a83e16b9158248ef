"""What higher apps do when an order is submitted (the drive copies its files into the archive).

Orders sit below the drive in the layers, so the drive registers here from its ``ready()``::

    register_submitted("drive.archive", lambda order: archive_order.delay_on_commit(order.pk))

Each hook is called inside the submission's transaction, after the order is numbered: it should only
enqueue work for after the commit.
"""

from __future__ import annotations

from collections.abc import Callable

_submitted: dict[str, Callable] = {}


def register_submitted(name: str, hook: Callable) -> None:
    """Registering a name again replaces it."""
    _submitted[name] = hook


def submitted_hooks() -> list[Callable]:
    return list(_submitted.values())
