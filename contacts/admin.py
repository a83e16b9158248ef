from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.admin import AuditedAdminMixin
from portal.admin_autocomplete import AccountAutocompleteMixin

from . import selectors, services
from .admin_importexport import ContactImportExportAdminMixin
from .forms import ContactAddForm, TermsPublishForm
from .models import LINK_STATES, Account, ContactState, TermsOfService, User

NAMES_SHOWN = 20


def _names(contacts) -> str:
    """The contacts an action skipped or concerned, named so staff know which ones."""
    contacts = list(contacts)
    shown = ", ".join(
        f"{contact} <{contact.email}>" if contact.get_full_name() else contact.email
        for contact in contacts[:NAMES_SHOWN]
    )
    rest = len(contacts) - NAMES_SHOWN
    if rest > 0:
        shown += " " + ngettext("and %(count)d other", "and %(count)d others", rest) % {"count": rest}
    return shown


def _order_names(orders) -> str:
    return ", ".join(
        f"{order.number or gettext('order %(id)s') % {'id': order.pk}} « {order.name} » ({order.get_status_display()})"
        if order.name
        else f"{order.number or gettext('order %(id)s') % {'id': order.pk}} ({order.get_status_display()})"
        for order in orders
    )


class UserInline(admin.TabularInline):
    model = User
    fields = ("email", "first_name", "last_name", "language", "state")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "uai", "email", "user_count", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "uai", "email")
    inlines = [UserInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_user_count=Count("users"))

    @admin.display(description=_("users"), ordering="_user_count")
    def user_count(self, obj: Account) -> int:
        return obj._user_count


class PortalUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class InvitationSentFilter(admin.SimpleListFilter):
    title = _("invitation sent")
    parameter_name = "invitation"

    def lookups(self, request, model_admin):
        return (("yes", _("Sent")), ("no", _("Not sent")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(invitation_sent_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(invitation_sent_at__isnull=True)
        return queryset


class CustomerFilter(admin.SimpleListFilter):
    title = _("kind of user")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return (("customer", _("Customer contacts")), ("staff", _("Print-shop staff")))

    def queryset(self, request, queryset):
        if self.value() == "customer":
            return queryset.filter(account__isnull=False)
        if self.value() == "staff":
            return queryset.filter(account__isnull=True)
        return queryset


@admin.register(User)
class UserAdmin(AuditedAdminMixin, AccountAutocompleteMixin, ContactImportExportAdminMixin, DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = ContactAddForm
    change_list_template = "admin/contacts/user/change_list.html"
    list_display = ("contact_name", "email", "state_display", "invitation", "account", "terms_accepted_at")
    list_display_links = ("contact_name", "email")
    list_filter = ("state", InvitationSentFilter, CustomerFilter, "language", "account__kind")
    list_select_related = ("account",)
    search_fields = ("email", "first_name", "last_name", "account__name")
    ordering = ("last_name", "first_name", "email")
    autocomplete_fields = ("account",)
    list_per_page = 50
    actions = (
        "send_activation_request",
        "activate_contacts",
        "deactivate_contacts",
        "reactivate_contacts",
        "remove_identities",
        "delete_contacts",
    )
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "language", "account")}),
        (_("Contact"), {"fields": ("state", "invitation_sent_at", "terms_accepted_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "description": _(
                    "The contact is created as not registered. You then review the invitation e-mail before it goes."
                ),
                "fields": ("email", "first_name", "last_name", "account", "language"),
            },
        ),
    )

    # --- List columns ---------------------------------------------------------------------

    @admin.display(description=_("contact name"), ordering="last_name")
    def contact_name(self, obj: User) -> str:
        return obj.get_full_name() or "—"

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, obj: User) -> str:
        return obj.get_state_display()

    @admin.display(description=_("invitation"), ordering="invitation_sent_at")
    def invitation(self, obj: User) -> str:
        if obj.invitation_sent_at is None:
            return "—"
        when = formats.date_format(timezone.localtime(obj.invitation_sent_at), "SHORT_DATETIME_FORMAT")
        return format_html("✉ {}", gettext("sent %(when)s") % {"when": when})

    # --- Forms ----------------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        fields = [
            *super().get_readonly_fields(request, obj),
            "state",
            "invitation_sent_at",
            "terms_accepted_at",
            "last_login",
            "date_joined",
        ]
        if obj is not None and obj.account_id:
            # A contact's access follows its state: use the actions, not the tick box.
            fields.append("is_active")
        return fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        contact = services.contact_create(
            email=data["email"],
            account=data["account"],
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            language=data.get("language") or "fr",
            created_by=request.user,
        )
        obj.pk = contact.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def response_add(self, request, obj, post_url_continue=None):
        if obj.account_id and obj.state == ContactState.NOT_REGISTERED:
            self.message_user(
                request, gettext("Contact %(contact)s created. Review the invitation below.") % {"contact": obj.email}
            )
            return redirect("admin:contacts_user_send_link", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def log_addition(self, request, obj, message):
        # contact_create already wrote the history row.
        if not obj.account_id:
            return super().log_addition(request, obj, message)
        return None

    # --- Extra pages ----------------------------------------------------------------------

    def get_urls(self):
        extra = [
            path(
                "integration-link/",
                self.admin_site.admin_view(self.integration_link_view),
                name="contacts_user_integration_link",
            ),
            path(
                "<path:object_id>/send-link/",
                self.admin_site.admin_view(self.send_link_view),
                name="contacts_user_send_link",
            ),
        ]
        return extra + super().get_urls()

    def integration_link_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Integration link"),
            "link": selectors.integration_link(),
        }
        return TemplateResponse(request, "admin/contacts/user/integration_link.html", context)

    def send_link_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Review the invitation/activation e-mail before it goes, copy its link, send it or not."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        contact = get_object_or_404(User, pk=unquote(object_id), account__isnull=False)
        changelist = reverse("admin:contacts_user_changelist")
        if contact.state not in LINK_STATES:
            self.message_user(
                request,
                gettext("%(contact)s is %(state)s: there is no invitation or activation link to send.")
                % {"contact": contact.email, "state": contact.get_state_display()},
                messages.ERROR,
            )
            return HttpResponseRedirect(changelist)
        if request.method == "POST":
            if "_issue" in request.POST:
                services.contact_issue_link(contact=contact)
                return redirect("admin:contacts_user_send_link", contact.pk)
            if "_send" in request.POST:
                services.contact_send_activation(contact=contact, sent_by=request.user, reissue=False)
                self.message_user(
                    request, gettext("The e-mail to %(contact)s is on its way.") % {"contact": contact.email}
                )
                return HttpResponseRedirect(changelist)
        fresh = selectors.contact_link_is_fresh(contact=contact)
        _template, rendered, link = services.contact_link_email(contact=contact) if fresh else (None, None, None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": contact,
            "contact": contact,
            "title": (
                gettext("Invitation") if contact.state == ContactState.NOT_REGISTERED else gettext("Activation request")
            ),
            "fresh": fresh,
            "message": rendered,
            "link": link,
            "expires_at": selectors.contact_link_expires_at(contact=contact),
        }
        return TemplateResponse(request, "admin/contacts/user/send_link.html", context)

    # --- Lifecycle actions ----------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if not self.has_delete_permission(request):
            actions.pop("delete_contacts", None)
        return actions

    def _apply(self, request, queryset, *, action, applies, by_kwarg, done_message, refused_state):
        result = services.contacts_bulk_apply(
            contacts=queryset.select_related("account"), action=action, applies=applies, **{by_kwarg: request.user}
        )
        if result.done:
            self.message_user(request, done_message % {"count": len(result.done), "names": _names(result.done)})
        if result.skipped:
            self.message_user(
                request,
                gettext("Skipped, because only %(state)s contacts allow it: %(names)s")
                % {"state": refused_state, "names": _names(result.skipped)},
                messages.WARNING if result.done else messages.ERROR,
            )

    @admin.action(description=_("Send the activation request"), permissions=["change"])
    def send_activation_request(self, request, queryset):
        contacts = list(queryset.select_related("account"))
        eligible = [contact for contact in contacts if contact.state in LINK_STATES and contact.account_id]
        skipped = [contact for contact in contacts if contact not in eligible]
        if len(contacts) == 1 and eligible:
            # One contact: issue its link and show the e-mail for review (with the link to copy).
            services.contact_issue_link(contact=eligible[0])
            return redirect("admin:contacts_user_send_link", eligible[0].pk)
        if request.POST.get("post") and eligible:
            result = services.contacts_bulk_apply(
                contacts=eligible,
                action=services.contact_send_activation,
                applies=lambda contact: contact.state in LINK_STATES,
                sent_by=request.user,
            )
            self.message_user(
                request,
                ngettext("%(count)d e-mail sent: %(names)s", "%(count)d e-mails sent: %(names)s", len(result.done))
                % {"count": len(result.done), "names": _names(result.done)},
            )
            skipped += result.skipped
            if skipped:
                self.message_user(request, self._link_skipped_message(skipped), messages.WARNING)
            return None
        if not eligible:
            self.message_user(request, self._link_skipped_message(skipped), messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Send the activation request"),
            "eligible": eligible,
            "skipped": skipped,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "send_activation_request",
        }
        return TemplateResponse(request, "admin/contacts/user/send_link_bulk.html", context)

    @staticmethod
    def _link_skipped_message(skipped) -> str:
        return gettext("Skipped, because only not registered or inactive contacts wait for a link: %(names)s") % {
            "names": _names(skipped)
        }

    @admin.action(description=_("Activate (inactive contacts)"), permissions=["change"])
    def activate_contacts(self, request, queryset):
        self._apply(
            request,
            queryset,
            action=services.contact_activate,
            applies=lambda contact: contact.state == ContactState.INACTIVE,
            by_kwarg="activated_by",
            done_message=gettext("Activated: %(names)s"),
            refused_state=ContactState.INACTIVE.label,
        )

    @admin.action(description=_("Deactivate (active contacts)"), permissions=["change"])
    def deactivate_contacts(self, request, queryset):
        self._apply(
            request,
            queryset,
            action=services.contact_deactivate,
            applies=lambda contact: contact.state == ContactState.ACTIVE and contact.pk != request.user.pk,
            by_kwarg="deactivated_by",
            done_message=gettext("Deactivated (their sessions are ended): %(names)s"),
            refused_state=ContactState.ACTIVE.label,
        )

    @admin.action(description=_("Reactivate (deactivated contacts)"), permissions=["change"])
    def reactivate_contacts(self, request, queryset):
        self._apply(
            request,
            queryset,
            action=services.contact_reactivate,
            applies=lambda contact: contact.state == ContactState.DEACTIVATED,
            by_kwarg="reactivated_by",
            done_message=gettext("Reactivated: %(names)s"),
            refused_state=ContactState.DEACTIVATED.label,
        )

    @admin.action(description=_("Remove identities (active contacts)"), permissions=["change"])
    def remove_identities(self, request, queryset):
        contacts = list(queryset.select_related("account"))
        if request.POST.get("post"):
            self._apply(
                request,
                queryset,
                action=services.contact_remove_identities,
                applies=lambda contact: contact.state == ContactState.ACTIVE and contact.pk != request.user.pk,
                by_kwarg="removed_by",
                done_message=gettext("Identities removed (now not registered): %(names)s"),
                refused_state=ContactState.ACTIVE.label,
            )
            return None
        eligible = [c for c in contacts if c.state == ContactState.ACTIVE and c.pk != request.user.pk]
        skipped = [c for c in contacts if c not in eligible]
        if not eligible:
            self.message_user(
                request,
                gettext("Skipped, because only %(state)s contacts allow it: %(names)s")
                % {"state": ContactState.ACTIVE.label, "names": _names(skipped)},
                messages.ERROR,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Remove identities"),
            "eligible": eligible,
            "skipped": skipped,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "remove_identities",
        }
        return TemplateResponse(request, "admin/contacts/user/remove_identities.html", context)

    # --- Deletion -------------------------------------------------------------------------

    @admin.action(description=_("Delete the selected contacts"), permissions=["delete"])
    def delete_contacts(self, request, queryset):
        return self._delete_contacts(request, list(queryset), action="delete_contacts")

    def delete_view(self, request, object_id, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        contact = get_object_or_404(User, pk=unquote(object_id))
        return self._delete_contacts(request, [contact], action=None)

    def _delete_contacts(self, request, contacts, *, action):
        changelist = reverse("admin:contacts_user_changelist")
        if any(contact.pk == request.user.pk for contact in contacts):
            self.message_user(request, gettext("You cannot delete your own user."), messages.ERROR)
            return HttpResponseRedirect(changelist)
        if request.method == "POST" and request.POST.get("post") == "yes":
            try:
                result = services.contact_delete(contacts=contacts, deleted_by=request.user)
            except services.ContactDeletionRefused as refused:
                self.message_user(request, self._refusal_message(refused), messages.ERROR)
            else:
                deleted = ngettext("%(count)d contact deleted", "%(count)d contacts deleted", result.contacts) % {
                    "count": result.contacts
                }
                orders = ngettext(
                    "%(count)d order deleted with them.", "%(count)d orders deleted with them.", result.orders
                ) % {"count": result.orders}
                self.message_user(request, f"{deleted}; {orders}")
            return HttpResponseRedirect(changelist)
        plan = selectors.contact_deletion_plan(contacts=contacts)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Delete contacts") if len(contacts) > 1 else gettext("Delete a contact"),
            "plan": plan,
            "blocking_names": _order_names(plan.blocking_orders),
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/contacts/user/delete_confirmation.html", context)

    @staticmethod
    def _refusal_message(refused) -> str:
        if refused.blocking_orders:
            return gettext(
                "Nothing was deleted: these orders are in progress (accepted, sent back for changes, in production, "
                "shipped or ready for pick-up): %(orders)s"
            ) % {"orders": _order_names(refused.blocking_orders)}
        return gettext("Nothing was deleted: these records still depend on the contacts: %(items)s") % {
            "items": ", ".join(refused.protected)
        }

    # --- Lifecycle buttons on the change page ---------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        contact = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if contact is not None and contact.account_id:
            extra_context["lifecycle_actions"] = [
                (name, label)
                for name, label, states in (
                    ("activate_contacts", _("Activate"), {ContactState.INACTIVE}),
                    ("deactivate_contacts", _("Deactivate"), {ContactState.ACTIVE}),
                    ("reactivate_contacts", _("Reactivate"), {ContactState.DEACTIVATED}),
                    ("remove_identities", _("Remove identities"), {ContactState.ACTIVE}),
                )
                if contact.state in states
            ]
            extra_context["can_send_link"] = contact.state in LINK_STATES
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(TermsOfService)
class TermsOfServiceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Administrators publish new terms; every contact must then accept them again."""

    form = TermsPublishForm
    list_display = ("version_label", "published_at", "published_by", "document")
    list_select_related = ("published_by",)
    readonly_fields = ("published_at", "published_by")

    def has_add_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        terms = services.terms_publish(
            document=form.cleaned_data["document"],
            version_label=form.cleaned_data["version_label"],
            published_by=request.user,
        )
        obj.pk = terms.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            gettext("Terms “%(version)s” published: every customer must accept them at their next visit.")
            % {"version": obj.version_label},
        )
        return HttpResponseRedirect(reverse("admin:contacts_termsofservice_changelist"))
