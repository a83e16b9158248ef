"""``{{ product.isbn|isbn }}``: a stored ISBN-13 shown hyphenated by registration group (978-2-07-036822-8)."""

from __future__ import annotations

from django import template

from ..isbn import format_isbn13

register = template.Library()


@register.filter(name="isbn")
def isbn_filter(value: str) -> str:
    return format_isbn13(value) if value else value
