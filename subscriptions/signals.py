"""Signing in keeps the visitor's cart: it is merged into the account's."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="subscriptions.merge_cart_on_sign_in")
def merge_cart_on_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        services.merge_session_cart(user=user, session=request.session)
