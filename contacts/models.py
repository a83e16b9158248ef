"""Customer organisations (``Account``) and the people who use the portal (``User``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.fields import NameField

from .validators import normalise_uai, validate_uai


class AccountKind(models.TextChoices):
    COMPANY = "company", _("Company")
    SCHOOL = "school", _("School")
    INDIVIDUAL = "individual", _("Individual")


class Account(models.Model):
    """A customer organisation. Every customer object belongs to exactly one account."""

    Kind = AccountKind

    name = NameField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    uai = models.CharField(
        _("UAI code"),
        max_length=8,
        blank=True,
        validators=[validate_uai],
        help_text=_("Schools only: 7 digits and the check letter."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("customer account")
        verbose_name_plural = _("customer accounts")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AccountKind.values),
                name="account_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="school") | ~models.Q(uai=""),
                name="account_school_has_uai",
                violation_error_message=_("A school needs its UAI code."),
            ),
            models.UniqueConstraint(
                fields=["uai"],
                condition=~models.Q(uai=""),
                name="account_uai_unique",
                violation_error_message=_("Another account already has this UAI code."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.uai = normalise_uai(self.uai) if self.uai else ""


class ContactState(models.TextChoices):
    NOT_REGISTERED = "not_registered", _("Not registered")
    INACTIVE = "inactive", _("Inactive")
    ACTIVE = "active", _("Active")
    DEACTIVATED = "deactivated", _("Deactivated")


class IllegalTransition(Exception):
    """A contact was asked to move to a state its current state does not lead to."""


# Only an active contact may sign in; ``is_active`` follows the state in every guarded method.
CONTACT_TRANSITIONS: dict[str, set[str]] = {
    ContactState.NOT_REGISTERED: {ContactState.INACTIVE},
    ContactState.INACTIVE: {ContactState.ACTIVE},
    ContactState.ACTIVE: {ContactState.DEACTIVATED, ContactState.NOT_REGISTERED},
    ContactState.DEACTIVATED: {ContactState.ACTIVE},
}
# States in which the print shop can (re)send a link: the invitation or the activation request.
LINK_STATES = frozenset({ContactState.NOT_REGISTERED, ContactState.INACTIVE})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def normalize_email(self, email: str | None) -> str:
        return (email or "").strip().lower()

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=self.normalize_email(email))


class User(AbstractBaseUser, PermissionsMixin):
    """A person. A customer user belongs to one account; staff belong to none."""

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    first_name = NameField(_("first name"), max_length=150, blank=True)
    last_name = NameField(_("last name"), max_length=150, blank=True)
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        related_name="users",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Print-shop staff: may sign in to the administration.")
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Unticked, the user can no longer sign in."))
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    state = models.CharField(_("state"), max_length=20, choices=ContactState.choices, default=ContactState.ACTIVE)
    invitation_sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted"), null=True, blank=True)
    # A subscriber's own login (the subscribers app): its scope is the subscriber's, not the account's.
    is_subscriber = models.BooleanField(_("subscriber login"), default=False, db_default=False, editable=False)
    # When the current invitation/activation link was issued: issuing a new one voids the old one.
    link_issued_at = models.DateTimeField(_("link issued"), null=True, blank=True, editable=False)

    State = ContactState
    TRANSITIONS = CONTACT_TRANSITIONS
    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message=_("A user with this e-mail address already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(is_staff=True) | models.Q(account__isnull=False),
                name="user_customer_has_account",
                violation_error_message=_("A customer user must belong to an account."),
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=[language[0] for language in settings.LANGUAGES]),
                name="user_language_valid",
            ),
            models.CheckConstraint(condition=models.Q(state__in=ContactState.values), name="user_state_valid"),
        ]
        indexes = [models.Index(fields=["state"], name="user_state_idx")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def is_customer(self) -> bool:
        return self.account_id is not None

    # --- Contact lifecycle: memory only; each returns the fields to save ----------------------

    def can_move_to(self, state: str) -> bool:
        return state in self.TRANSITIONS[self.state]

    def _move_to(self, state: str) -> list[str]:
        if not self.can_move_to(state):
            raise IllegalTransition(f"{self.state} → {state}")
        self.state = state
        self.is_active = state == ContactState.ACTIVE
        return ["state", "is_active"]

    def issue_link(self, *, at) -> list[str]:
        """A new invitation or activation link; any earlier one stops working."""
        if self.state not in LINK_STATES:
            raise IllegalTransition(f"no link to issue in state {self.state}")
        self.link_issued_at = at
        return ["link_issued_at"]

    def mark_invited(self, *, at) -> list[str]:
        if self.state != ContactState.NOT_REGISTERED:
            raise IllegalTransition(f"cannot invite in state {self.state}")
        self.invitation_sent_at = at
        return ["invitation_sent_at"]

    def register(self, *, password: str, terms_accepted_at, at) -> list[str]:
        """The person created their login through the invitation link: it now awaits activation."""
        fields = self._move_to(ContactState.INACTIVE)
        self.set_password(password)
        self.terms_accepted_at = terms_accepted_at
        self.link_issued_at = at
        return [*fields, "password", "terms_accepted_at", "link_issued_at"]

    def activate(self) -> list[str]:
        if self.state != ContactState.INACTIVE:
            raise IllegalTransition(f"{self.state} → {ContactState.ACTIVE} (activation)")
        fields = self._move_to(ContactState.ACTIVE)
        self.link_issued_at = None
        return [*fields, "link_issued_at"]

    def deactivate(self) -> list[str]:
        return self._move_to(ContactState.DEACTIVATED)

    def reactivate(self) -> list[str]:
        if self.state != ContactState.DEACTIVATED:
            raise IllegalTransition(f"{self.state} → {ContactState.ACTIVE} (reactivation)")
        return self._move_to(ContactState.ACTIVE)

    def remove_identities(self) -> list[str]:
        """The login goes; the contact and its history stay, and it can be invited again."""
        fields = self._move_to(ContactState.NOT_REGISTERED)
        self.set_unusable_password()
        self.invitation_sent_at = None
        self.terms_accepted_at = None
        self.link_issued_at = None
        return [*fields, "password", "invitation_sent_at", "terms_accepted_at", "link_issued_at"]

    def accept_terms(self, *, at) -> list[str]:
        self.terms_accepted_at = at
        return ["terms_accepted_at"]


class UserSession(models.Model):
    """A signed-in session of a user, so deactivation can end all of them without scanning sessions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"


class TermsOfService(models.Model):
    """Published terms; publishing new ones resets every contact's acceptance date."""

    document = models.FileField(_("document (PDF)"), upload_to="terms/")
    version_label = NameField(_("version"), max_length=50)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("terms of service")
        verbose_name_plural = _("terms of service")
        ordering = ["-published_at"]
        get_latest_by = "published_at"

    def __str__(self) -> str:
        return self.version_label
