"""The kernel's models in the admin: number sequences, read-only (only ``portal.numbering`` moves them), and
the documents the portal issued (staff re-issue one: a new version, the old one kept)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .documents.services import document_reissue
from .models import Document, NumberSequence
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


@admin.action(description=_("Issue again (new version)"), permissions=["change"])
def documents_reissue(modeladmin, request, queryset) -> None:
    """Render the chosen documents again as new versions (a template or price correction)."""
    count = 0
    for document in queryset:
        document_reissue(document=document, user=request.user)
        count += 1
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d document is being issued again; the previous version is kept.",
            "%(count)d documents are being issued again; the previous versions are kept.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "language", "version", "is_current", "status", "size", "created_at"]
    list_filter = ["kind", "status", "is_current", "language"]
    search_fields = ["object_id", "sha256", "storage_name"]
    actions = [documents_reissue]
    fields = [
        "kind",
        "content_type",
        "object_id",
        "language",
        "version",
        "is_current",
        "status",
        "storage_name",
        "sha256",
        "size",
        "content_key",
        "error",
        "requested_by",
        "created_at",
        "rendered_at",
    ]
    readonly_fields = fields

    # Documents are issued by the services and re-issued by the action; never written by hand.
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
