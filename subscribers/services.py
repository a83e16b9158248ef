"""Business actions of the subscribers' space: save a subscriber (its changes passed to customer service),
delete it, give or remove its login, open and answer claims.

Keyword-only and atomic; an audit row in the same transaction; e-mails after commit."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from contacts.models import User
from contacts.services import contact_sessions_end
from portal.audit import Action, audit_changes, audit_record, audit_snapshot
from portal.emails import send_templated_email
from subscriptions.models import CURRENT_SUBSCRIPTION_STATUSES, Subscriber, Subscription

from .models import AddressChange, Claim, ClaimMessage, ClaimStatus, SubscriberLogin

#: The fields of a subscriber a client edits, whose changes customer service passes on.
SUBSCRIBER_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "company",
    "department",
    "line1",
    "line2",
    "building",
    "locality",
    "postcode",
    "city",
    "cedex",
    "country",
    "email",
    "phone",
    "fax",
)


class SubscriberRefused(Exception):
    """The action cannot be done; ``message`` says why, ``items`` lists what stands in the way."""

    def __init__(self, message: str, items: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.items = items or []


def _person(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""


@transaction.atomic
def subscriber_save(*, subscriber: Subscriber, by: User, before: dict | None = None) -> Subscriber:
    """Keep a subscriber the client created or changed (already cleaned by its form); the change goes to
    the audit log and to customer service's list of changes to process."""
    creating = subscriber.pk is None
    subscriber.updated_at = timezone.now()
    subscriber.save()
    if creating:
        changes = {
            name: [None, value] for name, value in audit_snapshot(subscriber, SUBSCRIBER_FIELDS).items() if value
        }
    else:
        changes = audit_changes(before or {}, subscriber, SUBSCRIBER_FIELDS)
    if not creating and not changes:
        return subscriber
    audit_record(
        actor=by,
        action=Action.CREATED if creating else Action.CHANGED,
        obj=subscriber,
        account_id=subscriber.account_id,
        changes=changes,
    )
    AddressChange.objects.create(
        account_id=subscriber.account_id,
        subscriber=subscriber,
        subscriber_name=str(subscriber)[:300],
        kind="created" if creating else "changed",
        changes=changes,
        changed_by=by,
    )
    return subscriber


def blocking_subscriptions(subscriber: Subscriber) -> list[Subscription]:
    return list(
        Subscription.objects.filter(subscriber=subscriber, status__in=CURRENT_SUBSCRIPTION_STATUSES)
        .select_related("offer")
        .order_by("pk")[:100]
    )


@transaction.atomic
def subscriber_delete(*, subscriber: Subscriber, by: User) -> None:
    """Delete a subscriber without current subscriptions; refused with the list of those it has."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    blocking = blocking_subscriptions(subscriber)
    if blocking:
        raise SubscriberRefused(
            _("This subscriber has subscriptions in progress: it cannot be deleted."),
            [f"{subscription.offer} ({subscription.get_status_display()})" for subscription in blocking],
        )
    if Subscription.objects.filter(subscriber=subscriber).exists():
        raise SubscriberRefused(_("This subscriber has past subscriptions: they are kept, so it cannot be deleted."))
    login = SubscriberLogin.objects.filter(subscriber=subscriber).select_related("user").first()
    if login is not None:
        _remove_login(login=login)
    name = str(subscriber)[:300]
    audit_record(actor=by, action=Action.DELETED, obj=subscriber, account_id=subscriber.account_id)
    AddressChange.objects.create(
        account_id=subscriber.account_id, subscriber=None, subscriber_name=name, kind="deleted", changed_by=by
    )
    subscriber.delete()


# --- Logins --------------------------------------------------------------------------------------------


def set_password_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.PORTAL_BASE_URL}{reverse('subscribers:set_password', args=[uid, token])}"


@transaction.atomic
def login_grant(*, subscriber: Subscriber, by: User) -> SubscriberLogin:
    """Create the subscriber's login and send the two e-mails: the client's confirmation and the
    subscriber's identifier with a single-use link to choose a password (never a password)."""
    if subscriber.account_id != by.account_id:
        raise SubscriberRefused(_("This subscriber is not one of your account’s."))
    existing = SubscriberLogin.objects.filter(subscriber=subscriber).first()
    if existing is not None:
        return existing
    email = User.objects.normalize_email(subscriber.email)
    if not email:
        raise SubscriberRefused(_("A login needs the subscriber’s e-mail address."))
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and (not user.is_subscriber or hasattr(user, "subscriber_access")):
        raise SubscriberRefused(
            _("This e-mail address already has a login on the portal: give the subscriber another one.")
        )
    if user is None:
        user = User.objects.create_user(
            email=email,
            first_name=subscriber.first_name[:150],
            last_name=subscriber.last_name[:150],
            account_id=subscriber.account_id,
            language=by.language,
            is_subscriber=True,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    else:  # a login removed earlier, given again
        user.reactivate() if user.state == User.State.DEACTIVATED else None
        user.set_unusable_password()
        user.save(update_fields=["state", "is_active", "password"])
    login = SubscriberLogin.objects.create(subscriber=subscriber, user=user)
    audit_record(actor=by, action=Action.CREATED, obj=login, account_id=subscriber.account_id, message=_("Login given"))
    context = {"subscriber": str(subscriber), "identifier": user.email, "client": _person(by)}
    send_templated_email(
        template="subscribers/login_created_client", to=[by.email], context=context, language=by.language
    )
    send_templated_email(
        template="subscribers/login_welcome",
        to=[user.email],
        context={**context, "link": set_password_url(user)},
        language=user.language,
    )
    return login


def _remove_login(*, login: SubscriberLogin) -> None:
    user = login.user
    login.delete()
    if user.state == User.State.ACTIVE:
        user.deactivate()
    user.set_unusable_password()
    user.save(update_fields=["state", "is_active", "password"])
    contact_sessions_end(contact=user)


@transaction.atomic
def login_remove(*, subscriber: Subscriber, by: User) -> bool:
    """Remove the subscriber's login; its sessions end at once. False when it had none."""
    login = SubscriberLogin.objects.filter(subscriber=subscriber).select_related("user").first()
    if login is None:
        return False
    audit_record(
        actor=by, action=Action.DELETED, obj=login, account_id=subscriber.account_id, message=_("Login removed")
    )
    _remove_login(login=login)
    return True


@transaction.atomic
def login_set_password(*, user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action=Action.CHANGED, obj=user, account_id=user.account_id, message=_("Password chosen"))
    return user


# --- Claims --------------------------------------------------------------------------------------------


def _claim_recipients(claim: Claim) -> list[tuple[str, str]]:
    """(e-mail, language) of the subscriber's login and of the client's users."""
    recipients = []
    login = SubscriberLogin.objects.filter(subscriber_id=claim.subscriber_id).select_related("user").first()
    if login is not None and login.user.is_active:
        recipients.append((login.user.email, login.user.language))
    elif claim.subscriber.email:
        recipients.append((claim.subscriber.email, settings.LANGUAGE_CODE))
    for email, language in User.objects.filter(
        account_id=claim.account_id, is_subscriber=False, is_active=True
    ).values_list("email", "language")[:20]:
        recipients.append((email, language))
    return recipients


def _claim_context(claim: Claim, message: ClaimMessage) -> dict:
    return {
        "claim": claim.pk,
        "subscriber": str(claim.subscriber),
        "subscription": str(claim.subscription.offer),
        "reason": claim.get_reason_display(),
        "issue": claim.issue,
        "status": claim.get_status_display(),
        "message": message.body,
        "author": message.author_name,
        "link": f"{settings.PORTAL_BASE_URL}{reverse('subscribers:claim', args=[claim.pk])}",
    }


@dataclass
class Posted:
    claim: Claim
    message: ClaimMessage


@transaction.atomic
def claim_open(*, subscription: Subscription, reason: str, issue: str, body: str, by: User) -> Posted:
    """Open a claim about ``subscription`` (already read through the reader's scope); the shop is e-mailed."""
    claim = Claim.objects.create(
        account_id=subscription.account_id,
        subscriber_id=subscription.subscriber_id,
        subscription=subscription,
        reason=reason,
        issue=issue.strip(),
        opened_by=by,
    )
    message = ClaimMessage.objects.create(claim=claim, author=by, author_name=_person(by), body=body.strip())
    audit_record(actor=by, action=Action.CREATED, obj=claim, account_id=claim.account_id)
    send_templated_email(
        template="subscribers/claim_to_shop",
        to=[settings.SHOP_EMAIL],
        context=_claim_context(claim, message),
        language=settings.LANGUAGE_CODE,
    )
    return Posted(claim, message)


@transaction.atomic
def claim_reply(*, claim: Claim, body: str, by: User) -> Posted:
    """The subscriber or the client writes again: a closed claim is open again; the shop is e-mailed."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    message = ClaimMessage.objects.create(claim=claim, author=by, author_name=_person(by), body=body.strip())
    if claim.status == ClaimStatus.CLOSED:
        claim.status = ClaimStatus.OPEN
        claim.closed_at = None
        claim.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=by,
            action=Action.STATUS,
            obj=claim,
            account_id=claim.account_id,
            changes={"status": ["closed", "open"]},
        )
    send_templated_email(
        template="subscribers/claim_to_shop",
        to=[settings.SHOP_EMAIL],
        context=_claim_context(claim, message),
        language=settings.LANGUAGE_CODE,
    )
    return Posted(claim, message)


@transaction.atomic
def claim_answer(*, claim: Claim, body: str, by: User, close: bool = True) -> Posted:
    """Staff answer (in admin): the message joins the thread, the claim closes unless told otherwise, and
    the subscriber and the client are e-mailed."""
    claim = Claim.objects.select_for_update().select_related("subscriber", "subscription__offer").get(pk=claim.pk)
    message = ClaimMessage.objects.create(
        claim=claim, author=by, author_name=settings.SHOP_NAME, from_shop=True, body=body.strip()
    )
    if close and claim.status == ClaimStatus.OPEN:
        claim.status = ClaimStatus.CLOSED
        claim.closed_at = timezone.now()
        claim.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=by, action=Action.CHANGED, obj=claim, account_id=claim.account_id, message=_("Answered by the shop")
    )
    context = _claim_context(claim, message)
    for email, language in _claim_recipients(claim):
        send_templated_email(template="subscribers/claim_answered", to=[email], context=context, language=language)
    return Posted(claim, message)


@transaction.atomic
def changes_mark_processed(*, changes, by: User) -> int:
    now = timezone.now()
    count = changes.filter(processed_at__isnull=True).update(processed_at=now, processed_by=by)
    if count:
        audit_record(actor=by, action=Action.CHECKED, obj=AddressChange, message=f"{count} processed")
    return count
