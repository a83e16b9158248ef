"""Remember which sessions belong to which user, so deactivation can end them all at once."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .services import user_session_forget, user_session_record


@receiver(user_logged_in, dispatch_uid="contacts.record_session")
def record_session(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None and user is not None:
        if session.session_key is None:
            session.save()
        user_session_record(user=user, session_key=session.session_key)


@receiver(user_logged_out, dispatch_uid="contacts.forget_session")
def forget_session(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        user_session_forget(session_key=session.session_key)
