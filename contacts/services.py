"""Business actions on contacts: invitation, sign-up, activation, deactivation, deletion, terms.

Every function is keyword-only and atomic; state moves go through the guarded methods of
``User``; e-mails leave after commit (``send_templated_email``); each change leaves a row in the
audit log (``portal.audit``), so staff see who did what to a contact.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from portal.audit import Action, audit_record
from portal.emails import render_templated_email, send_templated_email
from portal.pdf_intake import inspect_upload, problem_message

from . import deletion, selectors
from .models import LINK_STATES, ContactState, IllegalTransition, TermsOfService, User, UserSession

logger = logging.getLogger(__name__)


class ContactDeletionRefused(Exception):
    """The contacts cannot be deleted: some of their orders are in progress (or something protects them).

    ``blocking_orders``: the rows a registered cascade (``contacts.deletion``) says block the deletion.
    """

    def __init__(self, *, blocking_orders: list = (), protected: list[str] = ()):
        self.blocking_orders = list(blocking_orders)
        self.protected = list(protected)
        super().__init__("deletion refused")


@dataclass
class BulkResult:
    """What a bulk action did: the contacts changed, and those skipped because of their state."""

    done: list[User] = field(default_factory=list)
    skipped: list[User] = field(default_factory=list)


def _audit(*, actor: User | None, contact: User, message: str, action: str = Action.CHANGED, changes=None) -> None:
    audit_record(
        actor=actor, action=action, obj=contact, account_id=contact.account_id, changes=changes, message=message
    )


def _moved(before: tuple[str, bool], contact: User) -> dict[str, list]:
    """The state (and whether the login works) from and to, for the audit row."""
    changes = {"state": [before[0], contact.state]}
    if before[1] != contact.is_active:
        changes["is_active"] = [before[1], contact.is_active]
    return changes


def _locked(contact: User) -> User:
    return User.objects.select_for_update().get(pk=contact.pk)


def _refuse_own(contact: User, by: User | None) -> None:
    """Nobody locks themselves out: deactivating or removing one's own login is refused."""
    if by is not None and by.pk == contact.pk:
        raise IllegalTransition("a user cannot do this to their own login")


def _sync(target: User, source: User, fields: Iterable[str]) -> None:
    """The caller's instance reflects what was saved on the locked copy."""
    for name in fields:
        setattr(target, name, getattr(source, name))


# --- Creation and links ---------------------------------------------------------------------


@transaction.atomic
def contact_create(
    *,
    email: str,
    account,
    first_name: str = "",
    last_name: str = "",
    language: str = settings.LANGUAGE_CODE,
    created_by: User | None = None,
) -> User:
    """A new contact, not registered, with no usable password and a fresh invitation link."""
    contact = User(
        email=User.objects.normalize_email(email),
        account=account,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language,
        state=ContactState.NOT_REGISTERED,
        is_active=False,
    )
    contact.set_unusable_password()
    contact.link_issued_at = timezone.now()
    contact.full_clean(exclude=["password"])
    contact.save()
    _audit(actor=created_by, contact=contact, action=Action.CREATED, message="Contact created (not registered).")
    return contact


@transaction.atomic
def contact_issue_link(*, contact: User) -> User:
    """A new invitation/activation link for the contact; the previous one stops working."""
    locked = _locked(contact)
    fields = locked.issue_link(at=timezone.now())
    locked.save(update_fields=fields)
    _sync(contact, locked, fields)
    _audit(actor=None, contact=locked, message="New link issued; the previous one no longer works.")
    return contact


def contact_link_email(*, contact: User) -> tuple[str, dict[str, str | None], str]:
    """The e-mail the contact would receive now (template name, rendered message, link), for review."""
    template, link = _link_template(contact)
    context = _link_context(contact, link)
    rendered = render_templated_email(template=template, context=context, language=contact.language)
    return template, rendered, link


def _link_template(contact: User) -> tuple[str, str]:
    if contact.state == ContactState.NOT_REGISTERED:
        return "contacts/invitation", selectors.contact_invitation_url(contact=contact)
    if contact.state == ContactState.INACTIVE:
        return "contacts/activation_request", selectors.contact_activation_url(contact=contact)
    raise IllegalTransition(f"no link to send in state {contact.state}")


def _link_context(contact: User, link: str) -> dict:
    hours = int(selectors.link_lifetime().total_seconds() // 3600)
    return {"contact": contact, "link": link, "hours": hours, "login_url": selectors.portal_url("account_login")}


@transaction.atomic
def contact_send_activation(*, contact: User, sent_by: User | None = None, reissue: bool = True) -> User:
    """The "send the activation request" action: the invitation (not registered) or the activation link (inactive).

    ``reissue`` issues a new link first (the old one stops working); staff who reviewed the message
    and copied its link send it with ``reissue=False`` so the copied link stays the one sent.
    """
    locked = _locked(contact)
    if locked.state not in LINK_STATES:
        raise IllegalTransition(f"no link to send in state {locked.state}")
    now = timezone.now()
    fields: list[str] = []
    if reissue or not selectors.contact_link_is_fresh(contact=locked):
        fields += locked.issue_link(at=now)
    template, link = _link_template(locked)
    if locked.state == ContactState.NOT_REGISTERED:
        fields += locked.mark_invited(at=now)
    if fields:
        locked.save(update_fields=fields)
        _sync(contact, locked, fields)
    send_templated_email(
        template=template, to=[locked.email], context=_link_context(locked, link), language=locked.language
    )
    what = "Invitation sent." if template == "contacts/invitation" else "Activation request sent."
    _audit(actor=sent_by, contact=locked, action=Action.SENT, message=what)
    return contact


def contact_invite(*, contact: User, sent_by: User | None = None, reissue: bool = True) -> User:
    """Send the invitation e-mail to a contact that is not registered."""
    if contact.state != ContactState.NOT_REGISTERED:
        raise IllegalTransition(f"cannot invite in state {contact.state}")
    return contact_send_activation(contact=contact, sent_by=sent_by, reissue=reissue)


def contact_request_fresh_link(*, email: str) -> None:
    """Someone whose link expired asks for a new one. Says nothing about whether the address exists."""
    contact = selectors.contact_waiting_for_link(email=email)
    if contact is not None:
        contact_send_activation(contact=contact)


# --- Sign-up and lifecycle ------------------------------------------------------------------


@transaction.atomic
def contact_register(*, contact: User, password: str, terms: TermsOfService | None) -> User:
    """The person created their login through the invitation link; the activation e-mail follows."""
    locked = _locked(contact)
    before = (locked.state, locked.is_active)
    now = timezone.now()
    fields = locked.register(password=password, terms_accepted_at=now if terms is not None else None, at=now)
    locked.save(update_fields=fields)
    _sync(contact, locked, fields)
    _audit(
        actor=locked,
        contact=locked,
        action=Action.STATUS,
        changes=_moved(before, locked),
        message="Login created through the invitation link; terms accepted.",
    )
    link = selectors.contact_activation_url(contact=locked)
    send_templated_email(
        template="contacts/activation_request",
        to=[locked.email],
        context=_link_context(locked, link),
        language=locked.language,
    )
    return contact


@transaction.atomic
def contact_activate(*, contact: User, activated_by: User | None = None) -> User:
    """Inactive → active, by the activation link (``activated_by`` None) or by staff."""
    locked = _locked(contact)
    before = (locked.state, locked.is_active)
    fields = locked.activate()
    locked.save(update_fields=fields)
    _sync(contact, locked, fields)
    _audit(
        actor=activated_by or locked,
        contact=locked,
        action=Action.STATUS,
        changes=_moved(before, locked),
        message="Activated." if activated_by else "Activated by e-mail link.",
    )
    send_templated_email(
        template="contacts/activated",
        to=[locked.email],
        context={"contact": locked, "login_url": selectors.portal_url("account_login")},
        language=locked.language,
    )
    return contact


@transaction.atomic
def contact_deactivate(*, contact: User, deactivated_by: User | None = None) -> User:
    """Active → deactivated: every session of the contact ends now and signing in is refused."""
    _refuse_own(contact, deactivated_by)
    locked = _locked(contact)
    before = (locked.state, locked.is_active)
    fields = locked.deactivate()
    locked.save(update_fields=fields)
    _sync(contact, locked, fields)
    contact_sessions_end(contact=locked)
    _audit(
        actor=deactivated_by,
        contact=locked,
        action=Action.STATUS,
        changes=_moved(before, locked),
        message="Deactivated; sessions ended.",
    )
    return contact


@transaction.atomic
def contact_reactivate(*, contact: User, reactivated_by: User | None = None) -> User:
    locked = _locked(contact)
    before = (locked.state, locked.is_active)
    fields = locked.reactivate()
    locked.save(update_fields=fields)
    _sync(contact, locked, fields)
    _audit(
        actor=reactivated_by,
        contact=locked,
        action=Action.STATUS,
        changes=_moved(before, locked),
        message="Reactivated.",
    )
    return contact


@transaction.atomic
def contact_remove_identities(*, contact: User, removed_by: User | None = None) -> User:
    """Active → not registered: the login goes, the contact and its orders stay."""
    _refuse_own(contact, removed_by)
    locked = _locked(contact)
    before = (locked.state, locked.is_active)
    fields = locked.remove_identities()
    locked.save(update_fields=fields)
    _sync(contact, locked, fields)
    contact_sessions_end(contact=locked)
    _audit(
        actor=removed_by,
        contact=locked,
        action=Action.STATUS,
        changes=_moved(before, locked),
        message="Identities removed; now not registered.",
    )
    return contact


def contacts_bulk_apply(
    *, contacts: Iterable[User], action: Callable[..., User], applies: Callable[[User], bool], **kwargs
) -> BulkResult:
    """Run one lifecycle service on each contact it applies to; the others are reported as skipped."""
    result = BulkResult()
    for contact in contacts:
        if not applies(contact):
            result.skipped.append(contact)
            continue
        try:
            action(contact=contact, **kwargs)
        except IllegalTransition:
            # The state changed under us (another staff member): report it rather than fail the batch.
            result.skipped.append(contact)
        else:
            result.done.append(contact)
    return result


# --- Sessions -------------------------------------------------------------------------------


def user_session_record(*, user: User, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def user_session_forget(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def contact_sessions_end(*, contact: User) -> int:
    """End every session of the contact, whatever the session engine (no scan of all sessions)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=contact).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=contact).delete()
    return len(keys)


# --- Deletion -------------------------------------------------------------------------------


@dataclass
class DeletionResult:
    contacts: int
    orders: int


@transaction.atomic
def contact_delete(*, contacts: Iterable[User], deleted_by: User | None = None) -> DeletionResult:
    """Delete the contacts with their draft, submitted, completed and cancelled orders; all or nothing.

    Refused (``ContactDeletionRefused`` naming the orders) if any of their orders is accepted,
    sent back for changes, in production, shipped or ready for pick-up: the rule is the orders',
    asked through the cascades registered in ``contacts.deletion``.
    """
    ids = [contact.pk for contact in contacts]
    locked = list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    cascades = [(cascade, list(cascade.rows(contact_ids=ids, lock=True))) for cascade in deletion.deletion_cascades()]
    blocking = [row for cascade, rows in cascades for row in rows if cascade.blocks(row)]
    if blocking:
        raise ContactDeletionRefused(blocking_orders=blocking)
    orders_of: dict[int, int] = {}
    for _cascade, rows in cascades:
        for row in rows:
            orders_of[row.created_by_id] = orders_of.get(row.created_by_id, 0) + 1
    for contact in locked:
        _audit(
            actor=deleted_by,
            contact=contact,
            action=Action.DELETED,
            changes={"orders": [orders_of.get(contact.pk, 0), 0]},
            message="Contact deleted with its orders.",
        )
    try:
        with transaction.atomic():
            for cascade, rows in cascades:
                cascade.delete(rows=rows)
            User.objects.filter(pk__in=ids).delete()
    except ProtectedError as error:
        raise ContactDeletionRefused(protected=sorted({str(obj) for obj in error.protected_objects})) from error
    return DeletionResult(contacts=len(locked), orders=sum(len(rows) for _cascade, rows in cascades))


# --- Terms of service -----------------------------------------------------------------------


def validate_pdf(document: UploadedFile) -> None:
    """The terms are judged by the kernel's PDF intake, like every PDF the portal takes: by content,
    in its limited child process. Every customer opens them, so JavaScript and launch actions, like a
    damaged, encrypted or too complex file, are refused (``ValidationError`` with the intake's code)."""
    verdict = inspect_upload(document)
    if verdict.problem:
        raise ValidationError(problem_message(verdict.problem), code=verdict.problem)


def terms_publish(*, document: UploadedFile, version_label: str, published_by: User | None) -> TermsOfService:
    """New terms: every contact's acceptance is reset in one UPDATE, so all must accept them again.

    The file is judged first (in the intake's child process), outside the transaction.
    """
    validate_pdf(document)
    return _terms_store(document=document, version_label=version_label, published_by=published_by)


@transaction.atomic
def _terms_store(*, document: UploadedFile, version_label: str, published_by: User | None) -> TermsOfService:
    terms = TermsOfService(version_label=version_label, published_by=published_by, published_at=timezone.now())
    terms.document.save(document.name.rsplit("/", 1)[-1] or "terms.pdf", document, save=False)
    terms.save()
    reset = User.objects.update(terms_accepted_at=None)
    audit_record(
        actor=published_by,
        action=Action.PUBLISHED,
        obj=terms,
        changes={"version_label": [None, version_label], "acceptances_reset": [reset, 0]},
        message=terms.document.name,
    )
    transaction.on_commit(lambda: cache.set(selectors.TERMS_PUBLISHED_CACHE_KEY, True, None))
    return terms


@transaction.atomic
def contact_accept_terms(*, contact: User) -> User:
    fields = contact.accept_terms(at=timezone.now())
    contact.save(update_fields=fields)
    _audit(actor=contact, contact=contact, message="Terms accepted.")
    return contact
