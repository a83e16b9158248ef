"""App passwords: what a WebDAV client signs in with (the portal e-mail and one of these, never the main password).

A secret is made of random letters in five groups (``abcde-fghij-…``), shown once when it is created
and stored hashed with Django's password hasher. Failed sign-ins are counted per e-mail address and
per client address in the cache (shared by every web process): past the limit, even a right
password is refused until the window has passed.
"""

from __future__ import annotations

import hashlib
import secrets
import string

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import AppPassword

ALPHABET = string.ascii_lowercase + string.digits
GROUPS, GROUP_LENGTH = 5, 5
MAX_PER_USER = 20
#: Do not write ``last_used_at`` more often than this (a client sends many requests a minute).
LAST_USED_PRECISION_SECONDS = 60
#: How long a checked e-mail and app password pair is trusted without hashing it again.
VERIFIED_SECONDS = 300


class TooManyAppPasswords(Exception):
    pass


def _secret() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))


@transaction.atomic
def app_password_create(*, user, name: str) -> tuple[AppPassword, str]:
    """A new app password and its secret, which is never stored and cannot be shown again."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if AppPassword.objects.filter(user=user).usable().count() >= MAX_PER_USER:
        raise TooManyAppPasswords
    secret = _secret()
    created = AppPassword.objects.create(user=user, name=name.strip()[:100], password=make_password(secret))
    return created, secret


@transaction.atomic
def app_password_revoke(*, app_password: AppPassword) -> None:
    AppPassword.objects.filter(pk=app_password.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "DAV_FAILED_SIGN_INS_LIMIT", 10)),
        int(getattr(settings, "DAV_FAILED_SIGN_INS_WINDOW", 15 * 60)),
    )


def _keys(email: str, client_ip: str) -> list[str]:
    return [f"drive:dav-failures:email:{email.strip().lower()}", f"drive:dav-failures:ip:{client_ip}"]


def is_locked_out(*, email: str, client_ip: str) -> bool:
    limit, _window = _limits()
    return any((cache.get(key) or 0) >= limit for key in _keys(email, client_ip))


def _count_failure(email: str, client_ip: str) -> None:
    _limit, window = _limits()
    for key in _keys(email, client_ip):
        if cache.add(key, 1, timeout=window):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window)


def _verified_key(email: str, secret: str) -> str:
    digest = hashlib.sha256(f"{(email or '').strip().lower()}\0{(secret or '').strip().lower()}".encode()).hexdigest()
    return f"drive:dav-verified:{digest}"


def _remembered(email: str, secret: str):
    """A client sends Basic credentials with every request: a pair checked a moment ago is not hashed
    again (the cache holds a digest of it and the app password's id, never the secret). Revoking the
    password or deactivating the user takes effect at once: the row is read each time."""
    pk = cache.get(_verified_key(email, secret))
    if pk is None:
        return None
    row = (
        AppPassword.objects.usable()
        .filter(pk=pk, user__is_active=True, user__account__isnull=False, user__email__iexact=(email or "").strip())
        .select_related("user")
        .first()
    )
    return row.user if row is not None else None


def authenticate_app_password(*, email: str, secret: str, client_ip: str = ""):
    """The active customer whose app password this is, or ``None`` (the main password never works here)."""
    if is_locked_out(email=email, client_ip=client_ip):
        return None
    remembered = _remembered(email, secret)
    if remembered is not None:
        return remembered
    user = (
        get_user_model()
        .objects.filter(email__iexact=(email or "").strip(), is_active=True, account__isnull=False)
        .first()
    )
    candidates = list(AppPassword.objects.filter(user=user).usable()) if user is not None else []
    for candidate in candidates:
        if check_password((secret or "").strip().lower(), candidate.password):
            cache.set(_verified_key(email, secret), candidate.pk, timeout=VERIFIED_SECONDS)
            now = timezone.now()
            if candidate.last_used_at is None or (now - candidate.last_used_at).total_seconds() > (
                LAST_USED_PRECISION_SECONDS
            ):
                AppPassword.objects.filter(pk=candidate.pk).update(last_used_at=now)
            return user
    if not candidates:
        make_password(secret or "")  # the same work whether the address exists or not
    _count_failure(email or "", client_ip)
    return None
