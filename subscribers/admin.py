"""Staff side of the subscribers' space: the changes to pass on to the publishers, and the claims."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_index import IndexNotice

from . import services
from .models import CLAIM_FLAG_DAYS, AddressChange, Claim, ClaimMessage


class ProcessedFilter(admin.SimpleListFilter):
    title = _("processed")
    parameter_name = "processed"

    def lookups(self, request, model_admin):
        return [("no", _("Not yet processed")), ("yes", _("Processed"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(processed_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(processed_at__isnull=False)
        return queryset


@admin.register(AddressChange)
class AddressChangeAdmin(admin.ModelAdmin):
    list_display = ("changed_at", "account", "subscriber_name", "kind", "changed_fields", "processed_at")
    list_filter = (ProcessedFilter, "kind")
    list_select_related = ("account",)
    search_fields = ("subscriber_name", "account__name")
    readonly_fields = [field.name for field in AddressChange._meta.fields]
    actions = ["mark_processed"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("changes"))
    def changed_fields(self, change: AddressChange):
        return format_html_join(
            "",
            "<div>{}: {} → {}</div>",
            ((name, values[0] or "—", values[1] or "—") for name, values in change.changes.items()),
        )

    @admin.action(description=_("Mark processed (passed on to the publishers)"), permissions=["change"])
    def mark_processed(self, request, queryset):
        count = services.changes_mark_processed(changes=queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d change marked processed.", "%(count)d changes marked processed.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class ClaimMessageInline(admin.TabularInline):
    model = ClaimMessage
    fields = ("at", "author_name", "from_shop", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AgeFilter(admin.SimpleListFilter):
    title = _("age")
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", _("Open for more than %(days)d days") % {"days": CLAIM_FLAG_DAYS})]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.flagged()
        return queryset


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6, "cols": 80}))
    close = forms.BooleanField(label=_("Close the claim"), required=False, initial=True)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("pk", "opened_at", "age", "account", "subscriber", "reason", "issue", "status")
    list_filter = ("status", AgeFilter, "reason")
    list_select_related = ("account", "subscriber")
    search_fields = ("subscriber__last_name", "subscriber__company", "account__name", "issue")
    ordering = ("opened_at", "pk")  # the oldest first: by age
    readonly_fields = (
        "account",
        "subscriber",
        "subscription",
        "reason",
        "issue",
        "status",
        "opened_at",
        "closed_at",
        "opened_by",
    )
    fields = readonly_fields
    inlines = [ClaimMessageInline]
    change_form_template = "admin/subscribers/claim/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("age"), ordering="opened_at")
    def age(self, claim: Claim):
        days = (timezone.now() - claim.opened_at).days
        label = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
        if claim.is_flagged():
            return format_html('<strong class="claim-flag">⚠ {}</strong>', label)
        return label

    def get_urls(self):
        return [
            path("<int:pk>/answer/", self.admin_site.admin_view(self.answer_view), name="subscribers_claim_answer"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "answer_form": AnswerForm()}
        return super().change_view(request, object_id, form_url, extra_context)

    def answer_view(self, request, pk: int):
        if not self.has_change_permission(request):
            raise PermissionDenied
        claim = get_object_or_404(Claim, pk=pk)
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.claim_answer(
                claim=claim, body=form.cleaned_data["body"], by=request.user, close=form.cleaned_data["close"]
            )
            self.message_user(request, _("The answer was sent to the subscriber and the client."), messages.SUCCESS)
            return redirect(reverse("admin:subscribers_claim_change", args=[claim.pk]))
        context = {**self.admin_site.each_context(request), "claim": claim, "answer_form": form, "title": str(claim)}
        return TemplateResponse(
            request, "admin/subscribers/claim/answer.html", context, status=400 if request.method == "POST" else 200
        )


def subscribers_notice(request) -> list[IndexNotice]:
    """The admin index says how many claims are open for more than 10 days and changes wait (two queries)."""
    notices = []
    if request is None:
        return notices
    if request.user.has_perm("subscribers.view_claim"):
        count = Claim.objects.flagged().count()
        if count:
            notices.append(
                IndexNotice(
                    message=ngettext(
                        "%(count)d claim is open for more than 10 days.",
                        "%(count)d claims are open for more than 10 days.",
                        count,
                    )
                    % {"count": count},
                    url=reverse("admin:subscribers_claim_changelist") + "?flagged=yes&status__exact=open",
                )
            )
    if request.user.has_perm("subscribers.view_addresschange"):
        count = AddressChange.objects.filter(Q(processed_at__isnull=True)).count()
        if count:
            notices.append(
                IndexNotice(
                    message=ngettext(
                        "%(count)d subscriber change waits to be passed on.",
                        "%(count)d subscriber changes wait to be passed on.",
                        count,
                    )
                    % {"count": count},
                    url=reverse("admin:subscribers_addresschange_changelist") + "?processed=no",
                )
            )
    return notices
