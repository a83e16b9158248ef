"""What higher apps add to a product's files panel (the drive offers its "My files" there).

Files sit below the drive in the layers, so the drive registers here from its ``ready()``::

    register_panel_extra(drive_attach_panel)   # (request, product, can_add) -> HTML or ""

Each extra is rendered inside the panel, under the upload form, while the product has room for a file.
"""

from __future__ import annotations

from collections.abc import Callable

PanelExtra = Callable[..., str]

_panel_extras: dict[str, PanelExtra] = {}


def register_panel_extra(name: str, extra: PanelExtra) -> None:
    """Registering a name again replaces it."""
    _panel_extras[name] = extra


def panel_extras(request, product, *, can_add: bool) -> list[str]:
    if request is None or not can_add:
        return []
    return [html for extra in _panel_extras.values() if (html := extra(request, product))]
