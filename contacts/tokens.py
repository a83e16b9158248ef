"""Signed, short-lived, single-use links for the invitation and the activation of a contact.

Built on Django's password-reset tokens. A token's clock starts when the print shop issued the link
(``User.link_issued_at``), not when a page happened to render it, and its hash covers the contact's
state, password hash and that issue time: the link dies once it has been used (the state or the
password changes) or when a new link is issued (re-sent).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode


def link_lifetime() -> timedelta:
    return timedelta(hours=getattr(settings, "CONTACT_INVITATION_HOURS", 12))


class _ContactLinkTokenGenerator(PasswordResetTokenGenerator):
    expected_state: str = ""

    def _now(self) -> datetime:
        return timezone.now().astimezone(UTC).replace(tzinfo=None)

    def _issued_seconds(self, user) -> int | None:
        if user.link_issued_at is None:
            return None
        return self._num_seconds(user.link_issued_at.astimezone(UTC).replace(tzinfo=None))

    def _make_hash_value(self, user, timestamp: int) -> str:
        issued = user.link_issued_at.isoformat() if user.link_issued_at else ""
        return f"{user.pk}|{user.password}|{user.state}|{issued}|{user.email}|{timestamp}"

    def make_token(self, user) -> str:
        issued = self._issued_seconds(user)
        if issued is None:
            raise ValueError("No link was issued for this contact.")
        return self._make_token_with_timestamp(user, issued, self.secret)

    def check_token(self, user, token: str | None) -> bool:
        if not (user and token) or user.state != self.expected_state:
            return False
        issued = self._issued_seconds(user)
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if issued is None or ts != issued:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - ts <= link_lifetime().total_seconds()


class InvitationTokenGenerator(_ContactLinkTokenGenerator):
    key_salt = "contacts.tokens.InvitationTokenGenerator"
    expected_state = "not_registered"


class ActivationTokenGenerator(_ContactLinkTokenGenerator):
    key_salt = "contacts.tokens.ActivationTokenGenerator"
    expected_state = "inactive"


invitation_token = InvitationTokenGenerator()
activation_token = ActivationTokenGenerator()


def uid_for(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))
