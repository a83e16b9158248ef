from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from . import admin_submission  # noqa: F401  (registers the generic link's admin)
from .admin_importexport import ContactImportExportAdminMixin
from .models import Account, User


class UserInline(admin.TabularInline):
    model = User
    fields = ("email", "first_name", "last_name", "language", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "uai", "email", "user_count", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "uai", "email")
    inlines = [UserInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_user_count=Count("users"))

    @admin.display(description=_("users"), ordering="_user_count")
    def user_count(self, obj: Account) -> int:
        return obj._user_count


class PortalUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "account", "first_name", "last_name", "language")

    def clean(self):
        cleaned = super().clean()
        # The add form has no staff box: a user created here is a customer and needs an account.
        if not cleaned.get("account") and "account" not in self.errors:
            self.add_error("account", _("A customer user must belong to an account."))
        return cleaned


class PortalUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ContactImportExportAdminMixin, DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = ("email", "first_name", "last_name", "account", "language", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "language", "account__kind")
    list_select_related = ("account",)
    search_fields = ("email", "first_name", "last_name", "account__name")
    ordering = ("email",)
    autocomplete_fields = ("account",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "language", "account")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "account",
                    "first_name",
                    "last_name",
                    "language",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
