"""The kernel's models in the administration. Number sequences are read-only (only
``portal.numbering`` moves them); staff re-issue a document the portal issued (a new version, the old
one kept). The audit log: its own read-only list, each object's rows on its page,
and ``AuditedAdminMixin``, which makes staff's saves and deletions in a ModelAdmin write a row too.

An object's rows are shown as a read-only field of its page rather than an inline: an inline adds a
formset whose management form every POST of the page would then have to carry."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .audit import Action, audit_changes, audit_entries_of, audit_record, audit_snapshot
from .documents.services import document_reissue
from .models import AuditEntry, Document, NumberSequence, OutgoingEmail
from .numbering import SEQUENCES


def _changes_lines(entry: AuditEntry):
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    return format_html_join(
        "\n",
        "<div><code>{}</code>: {} → {}</div>",
        ((name, _shown(values, 0), _shown(values, 1)) for name, values in changes.items()),
    )


def _shown(values, index: int) -> str:
    if not isinstance(values, list | tuple) or len(values) <= index:
        return str(values) if index == 1 else "—"
    value = values[index]
    return "—" if value in (None, "") else str(value)


class AuditReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditReadOnly, admin.ModelAdmin):
    list_display = ("at", "action", "object_repr", "content_type", "actor_display", "account_id")
    list_filter = ("action", "content_type")
    list_select_related = ("actor", "content_type")
    search_fields = ("object_repr", "object_id", "message", "actor__email", "actor_label")
    date_hierarchy = "at"
    fields = (
        "at",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "account_id",
        "actor",
        "actor_label",
        "changes_display",
        "message",
    )
    readonly_fields = fields

    @admin.display(description=_("by"))
    def actor_display(self, entry: AuditEntry) -> str:
        return entry.actor_display

    @admin.display(description=_("changes"))
    def changes_display(self, entry: AuditEntry) -> str:
        return _changes_lines(entry)


AUDIT_FIELD = "audit_log"
AUDIT_ROWS_SHOWN = 200


def _readable(message) -> str:
    """The admin's change message ("Changed name and city.") as text."""
    if isinstance(message, list):
        message = json.dumps(message)
    return LogEntry(change_message=message or "").get_change_message()


class AuditedAdminMixin:
    """Staff's saves and deletions through this ModelAdmin write audit rows (in the admin's
    transaction), the object's page shows its audit rows, and its "History" opens them."""

    def audit_account_id(self, obj) -> int | None:
        """The account the object belongs to (override when it is not ``obj.account_id``)."""
        return getattr(obj, "account_id", None)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, AUDIT_FIELD] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [field for field in options["fields"] if field != AUDIT_FIELD]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        # A subclass whose get_readonly_fields does not call super() shows no history rather than failing.
        if obj is not None and AUDIT_FIELD in self.get_readonly_fields(request, obj):
            fieldsets.append((_("History (audit log)"), {"fields": [AUDIT_FIELD]}))
        return fieldsets

    @admin.display(description=_("changes of this object"))
    def audit_log(self, obj) -> str:
        entries = list(audit_entries_of(obj)[:AUDIT_ROWS_SHOWN])
        if not entries:
            return _("Nothing recorded yet.")
        rows = format_html_join(
            "\n",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    date_format(localtime(entry.at), "SHORT_DATETIME_FORMAT"),
                    entry.action,
                    entry.actor_display,
                    _changes_lines(entry),
                    entry.message,
                )
                for entry in entries
            ),
        )
        link = reverse("admin:portal_auditentry_changelist") + "?" + urlencode(_object_filter(obj))
        return format_html(
            '<table class="audit-log"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
            '<tbody>{}</tbody></table><p><a href="{}">{}</a></p>',
            _("at"),
            _("action"),
            _("by"),
            _("changes"),
            _("message"),
            rows,
            link,
            _("The whole history in the audit log"),
        )

    def save_model(self, request, obj, form, change):
        if change and obj.pk is not None:
            names = {field.name for field in obj._meta.concrete_fields}
            fields = [name for name in form.changed_data if name in names]
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            obj._audit_before = (fields, audit_snapshot(stored, fields) if stored is not None else {})
        super().save_model(request, obj, form, change)

    def _audit(self, request, obj, *, action: str, changes=None, message: str = "") -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=action,
                obj=obj,
                account_id=self.audit_account_id(obj),
                changes=changes,
                message=message,
                actor_label="admin",
            )

    def log_addition(self, request, obj, message):
        self._audit(request, obj, action=Action.CREATED, message=_readable(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        fields, before = getattr(obj, "_audit_before", ((), {}))
        self._audit(
            request, obj, action=Action.CHANGED, changes=audit_changes(before, obj, fields), message=_readable(message)
        )
        return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit(request, obj, action=Action.DELETED)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, action=Action.DELETED)
            super().delete_queryset(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        content_type = ContentType.objects.get_for_model(self.model)
        query = urlencode({"content_type__id__exact": content_type.pk, "object_id": unquote(object_id)})
        return HttpResponseRedirect(f"{reverse('admin:portal_auditentry_changelist')}?{query}")


def _object_filter(obj) -> dict:
    return {"content_type__id__exact": ContentType.objects.get_for_model(type(obj)).pk, "object_id": obj.pk}


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


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(AuditReadOnly, admin.ModelAdmin):
    """The outbox, read-only: what left, what waits, and what failed with its error (``manage.py rerun
    emails`` sends the failed ones again)."""

    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "key"]
    date_hierarchy = "created_at"
    fields = [
        "key",
        "to",
        "reply_to",
        "from_email",
        "subject",
        "body",
        "attachments",
        "status",
        "attempts",
        "error",
        "created_at",
        "queued_at",
        "claimed_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("to"))
    def recipients(self, email: OutgoingEmail) -> str:
        return ", ".join(email.to)
