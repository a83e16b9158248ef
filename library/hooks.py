"""What higher apps add to the library's pages, registered from their ``AppConfig.ready()``.

The library sits below files and orders and imports neither (the layers in pyproject.toml). Orders
knows which products were put into an order last and most, the orders a product appeared in, and the
order a product page was opened from: it registers a provider for each here, and the library's pages
show what they are given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from .models import Product


@dataclass(frozen=True)
class BackLink:
    """Where a product page opened from another page goes back to ("← Back to my order")."""

    url: str
    label: str


@dataclass(frozen=True)
class ProductHighlights:
    recent: list[Product]
    best: list[Product]


HighlightsProvider = Callable[..., ProductHighlights]
BackLinkProvider = Callable[..., BackLink | None]
#: ``provider(request=..., product=...)``: a page of the orders the product appeared in (``portal.pagination``)
ProductOrdersProvider = Callable[..., Any]

_highlights: dict[str, HighlightsProvider] = {}
_back_links: dict[str, BackLinkProvider] = {}
_product_orders: dict[str, ProductOrdersProvider] = {}


def register_product_highlights(name: str, provider: HighlightsProvider) -> None:
    """``provider(scope=...)`` gives the reader's last and most ordered products, for the library's list."""
    _highlights[name] = provider


def register_product_back_link(parameter: str, provider: BackLinkProvider) -> None:
    """A product page asked with ``?<parameter>=<value>`` shows ``provider(request=..., value=...)``'s link."""
    _back_links[parameter] = provider


def register_product_orders(name: str, provider: ProductOrdersProvider) -> None:
    """``provider(request=..., product=...)`` gives the page of the orders ``product`` appeared in."""
    _product_orders[name] = provider


def product_orders(*, request: HttpRequest, product: Product):
    """The page of the product's orders that the last provider registered gives (None: no app offers it)."""
    if not _product_orders:
        return None
    return next(reversed(_product_orders.values()))(request=request, product=product)


def product_highlights(*, scope) -> ProductHighlights:
    """What the last provider registered gives, or no highlights when no app offers any."""
    if not _highlights:
        return ProductHighlights(recent=[], best=[])
    return next(reversed(_highlights.values()))(scope=scope)


def product_back_link(request: HttpRequest) -> BackLink | None:
    for parameter, provider in _back_links.items():
        value = request.GET.get(parameter, "")
        if value:
            link = provider(request=request, value=value)
            if link is not None:
                return link
    return None
