"""How an establishment gets in: its account created at checkout (found in the directory), activated by a
12-hour e-mail link; a lost password answered in three cases the visitor is never told apart; the
written request of the head of the establishment; the account requests of the establishments that
are not in the directory.
"""

from __future__ import annotations

import enum

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _

from contacts.models import Account, ContactState, User
from contacts.selectors import establishment_login, link_lifetime, portal_url
from contacts.services import contact_activate
from contacts.tokens import activation_token, uid_for
from portal.audit import Action, audit_record
from portal.documents.services import document_issue
from portal.emails import send_templated_email

from . import tasks
from .documents import ACCESS_LETTER_DOCUMENT
from .models import AccessLetter, Cart, Establishment, EstablishmentRequest
from .services import SESSION_KEY

#: Lost-password attempts per establishment (UAI) and per address, in RESET_WINDOW seconds.
RESET_LIMIT = 5
RESET_WINDOW = 3600
#: Written requests prepared per UAI in a day (a PDF each).
LETTER_LIMIT = 10
ALREADY_HAS_ACCOUNT = _(
    "This establishment already has an account: sign in with its UAI code, or use “Forgot password”."
)


class SchoolAccessError(Exception):
    """A step refused, with the message for the field it belongs to."""

    def __init__(self, message, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


# --- Account creation at checkout --------------------------------------------------------------


def establishment_for_uai(uai: str) -> Establishment | None:
    return Establishment.objects.filter(uai=uai).first()


def establishment_has_account(uai: str) -> bool:
    return Account.objects.filter(uai=uai).exists()


def establishments_matching(*, name: str, town: str, limit: int = 20) -> list[Establishment]:
    """The open establishments whose name and town contain the words typed (at most ``limit``)."""
    rows = Establishment.objects.filter(open=True, city__icontains=town.strip())
    for word in name.split()[:5]:
        rows = rows.filter(name__icontains=word)
    return list(rows.order_by("name", "city", "uai")[:limit])


def school_activation_url(*, user: User) -> str:
    return portal_url("subscriptions:signup_activate", uid_for(user), activation_token.make_token(user))


def _send_activation(user: User) -> None:
    send_templated_email(
        template="subscriptions/school_activation",
        to=[user.email],
        context={
            "contact": user,
            "account": user.account,
            "link": school_activation_url(user=user),
            "hours": int(link_lifetime().total_seconds() // 3600),
        },
        language=user.language,
    )


@transaction.atomic
def school_account_create(
    *,
    establishment: Establishment,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    password: str,
    language: str,
    session=None,
) -> User:
    """The establishment's account and its login (inactive until the e-mail link is followed). The
    login's address is the account's address, so the school signs in with its UAI; the visitor's cart
    becomes the account's, so the checkout resumes with it after activation."""
    if establishment_has_account(establishment.uai):
        raise SchoolAccessError(ALREADY_HAS_ACCOUNT, field="uai")
    email = User.objects.normalize_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise SchoolAccessError(_("A user with this e-mail address already exists."), field="email")
    now = timezone.now()
    try:
        with transaction.atomic():
            account = Account.objects.create(
                name=establishment.name, kind=Account.Kind.SCHOOL, uai=establishment.uai, email=email, phone=phone
            )
            user = User(
                email=email,
                account=account,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                language=language,
                state=ContactState.INACTIVE,
                is_active=False,
                link_issued_at=now,
            )
            user.set_password(password)
            user.save()
    except IntegrityError:  # a simultaneous sign-up took the UAI or the address first
        raise SchoolAccessError(ALREADY_HAS_ACCOUNT, field="uai") from None
    if session is not None and session.get(SESSION_KEY):
        cart = Cart.objects.filter(account__isnull=True, token=session[SESSION_KEY], expires_at__gt=now).first()
        if cart is not None:
            cart.account = account
            cart.save(update_fields=["account"])
        session.pop(SESSION_KEY, None)
    audit_record(
        actor=None,
        actor_label="checkout",
        action=Action.CREATED,
        obj=account,
        account_id=account.pk,
        message=f"School account created at checkout from the directory ({establishment.uai}); login {email}.",
    )
    _send_activation(user)
    return user


def school_user_from_uid(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk, account__kind=Account.Kind.SCHOOL).select_related("account").first()


def school_activate(*, user: User) -> User:
    """Inactive → active through the 12-hour link (single use: the state it is tied to changes)."""
    return contact_activate(contact=user)


@transaction.atomic
def school_activation_resend(*, email: str) -> None:
    """A fresh activation link for a school login still inactive; says nothing of whether it exists.
    At most RESET_LIMIT links an hour per address (beyond, silently nothing: the page is the same)."""
    if _over_limit(f"school-activation:{User.objects.normalize_email(email)}", RESET_LIMIT, RESET_WINDOW):
        return
    user = (
        User.objects.select_for_update()
        .filter(
            email__iexact=User.objects.normalize_email(email),
            state=ContactState.INACTIVE,
            account__kind=Account.Kind.SCHOOL,
        )
        .first()
    )
    if user is None:
        return
    user.link_issued_at = timezone.now()
    user.save(update_fields=["link_issued_at"])
    audit_record(
        actor=None,
        actor_label="checkout",
        action=Action.SENT,
        obj=user,
        account_id=user.account_id,
        message="New activation link.",
    )
    _send_activation(user)


@transaction.atomic
def establishment_request_create(**fields) -> EstablishmentRequest:
    """An establishment outside the directory asks for its account; the shop is told by e-mail.
    At most LETTER_LIMIT requests a day per address."""
    if _over_limit(f"school-request:{User.objects.normalize_email(fields['email'])}", LETTER_LIMIT, 24 * 3600):
        raise SchoolAccessError(_("Too many requests from this address today. Try again tomorrow."), field="email")
    request = EstablishmentRequest.objects.create(**fields)
    send_templated_email(
        template="subscriptions/establishment_request_staff",
        to=[settings.SHOP_EMAIL],
        context={
            "request": request,
            "admin_url": portal_url("admin:subscriptions_establishmentrequest_change", request.pk),
        },
        language=settings.LANGUAGE_CODE,
    )
    return request


# --- Lost password --------------------------------------------------------------------------------


class ResetCase(enum.Enum):
    ADDRESS_ON_FILE = 1
    ACADEMIC_ADDRESS = 2
    WRITTEN_REQUEST = 3


def _over_limit(key: str, limit: int, window: int) -> bool:
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def school_password_reset_request(*, uai: str, email: str) -> None:
    """Count the attempt (per UAI and per address) and queue the answer. The case is decided by the
    worker, so the page, its wording and its timing are the same whichever case applies."""
    email = User.objects.normalize_email(email)
    over_uai = _over_limit(f"school-reset:uai:{uai}", RESET_LIMIT, RESET_WINDOW)
    over_email = _over_limit(f"school-reset:email:{email}", RESET_LIMIT, RESET_WINDOW)
    if over_uai or over_email:
        raise SchoolAccessError(
            _("Too many attempts for this establishment or this address. Try again in an hour."), field="uai"
        )
    tasks.send_school_password_reset.delay_on_commit(uai, email)


def school_reset_url(*, user: User) -> str:
    """allauth's reset link (single use: its token covers the password; it expires after PASSWORD_RESET_TIMEOUT)."""
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return f"{settings.PORTAL_BASE_URL}{path}"


def reset_link_hours() -> int:
    return max(int(settings.PASSWORD_RESET_TIMEOUT // 3600), 1)


def _send_reset(*, login: User, recipient: str, uai: str) -> None:
    send_templated_email(
        template="subscriptions/school_password_reset",
        to=[recipient],
        context={
            "account": login.account,
            "uai": uai,
            "link": school_reset_url(user=login),
            "hours": reset_link_hours(),
        },
        language=login.language,
    )


def school_password_reset_dispatch(*, uai: str, email: str) -> ResetCase:
    """The worker's half: 1. the address is the establishment login's (the most recent on file) → a
    link to it; 2. otherwise the directory's academic address → a link there; 3. otherwise nothing is
    sent: the page already told the visitor how the head of the establishment asks in writing."""
    login = establishment_login(uai)
    if login is None or not login.is_active:
        return ResetCase.WRITTEN_REQUEST
    if login.email.lower() == email.lower():
        recipient, case = login.email, ResetCase.ADDRESS_ON_FILE
    else:
        establishment = establishment_for_uai(uai)
        if establishment is None or not establishment.email:
            return ResetCase.WRITTEN_REQUEST
        recipient, case = establishment.email, ResetCase.ACADEMIC_ADDRESS
    _send_reset(login=login, recipient=recipient, uai=uai)
    return case


@transaction.atomic
def access_letter_create(
    *, uai: str, establishment_name: str, head_name: str, email: str, phone: str, language: str
) -> AccessLetter:
    """The head's written request, made a PDF (``portal.documents``) to sign and send to the shop."""
    if _over_limit(f"school-letter:{uai}", LETTER_LIMIT, 24 * 3600):
        raise SchoolAccessError(_("Too many requests for this establishment today. Try again tomorrow."), field="uai")
    letter = AccessLetter.objects.create(
        uai=uai,
        establishment_name=establishment_name,
        head_name=head_name,
        email=User.objects.normalize_email(email),
        phone=phone,
        language=language,
    )
    document_issue(kind=ACCESS_LETTER_DOCUMENT, obj=letter, language=language)
    return letter


@transaction.atomic
def access_letter_resolve(*, letter: AccessLetter, by: User, note: str = "") -> AccessLetter:
    """Staff received the signed letter and gave the access (the account's address set to the one asked,
    a reset link sent there); a letter is resolved once."""
    locked = AccessLetter.objects.select_for_update().get(pk=letter.pk)
    if locked.resolved_at is not None:
        return locked
    now = timezone.now()
    login = establishment_login(locked.uai)
    if login is not None:
        account = login.account
        before = account.email
        account.email = locked.email
        account.save(update_fields=["email"])
        login.email = locked.email
        login.save(update_fields=["email"])
        audit_record(
            actor=by,
            action=Action.CHANGED,
            obj=account,
            account_id=account.pk,
            changes={"email": [before, locked.email]},
            message="Access given on the head's written request.",
        )
        _send_reset(login=login, recipient=locked.email, uai=locked.uai)
    locked.resolved_at = now
    locked.received_at = locked.received_at or now
    locked.resolved_by = by
    locked.staff_note = note or locked.staff_note
    locked.save(update_fields=["resolved_at", "received_at", "resolved_by", "staff_note"])
    return locked
