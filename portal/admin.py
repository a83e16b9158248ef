"""The kernel's models in the admin: number sequences, read-only (only ``portal.numbering`` moves them)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import NumberSequence
from .numbering import SEQUENCES


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["sequence_label", "year", "last_given", "next_number"]
    list_filter = ["name", "year"]
    fields = ["name", "year", "last_number"]
    readonly_fields = fields

    @admin.display(description=_("sequence"), ordering="name")
    def sequence_label(self, counter: NumberSequence) -> str:
        spec = SEQUENCES.get(counter.name)
        return str(spec.label) if spec else counter.name

    @admin.display(description=_("last number given"), ordering="last_number")
    def last_given(self, counter: NumberSequence) -> str:
        spec = SEQUENCES.get(counter.name)
        if not spec or not counter.last_number:
            return "—"
        return spec.format(year=counter.year, value=counter.last_number)

    @admin.display(description=_("next number"))
    def next_number(self, counter: NumberSequence) -> str:
        spec = SEQUENCES.get(counter.name)
        return spec.format(year=counter.year, value=counter.last_number + 1) if spec else "—"

    # A counter moves only when a number is taken: editing, adding or deleting one by hand would give a
    # number twice or leave a gap in a sequence the law wants unbroken.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
