"""E-mails leave through the outbox and the ``emails`` queue, only once the transaction that caused them commits.

``send_templated_email`` renders a message in the recipient's language from
``templates/emails/<name>_subject.txt``, ``<name>.txt`` and (optionally) ``<name>.html`` and records it
in the outbox (:mod:`portal.outbox`) in the caller's transaction: nothing is sent for a change that is
rolled back, and nothing is lost for one that is committed, even with the broker down.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from .outbox import outbox_record


def render_templated_email(
    *, template: str, context: dict[str, Any], language: str | None = None
) -> dict[str, str | None]:
    language = language or settings.LANGUAGE_CODE
    ctx = {"portal_name": settings.PORTAL_NAME, "shop_name": settings.SHOP_NAME, "base_url": settings.PORTAL_BASE_URL}
    ctx.update(context)
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", ctx).split())
        body = render_to_string(f"emails/{template}.txt", ctx).strip() + "\n"
        try:
            html: str | None = render_to_string(f"emails/{template}.html", ctx)
        except TemplateDoesNotExist:
            html = None
    return {"subject": f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", "body": body, "html": html}


def templated_email_task(
    *,
    template: str,
    to: Sequence[str],
    context: dict[str, Any],
    language: str | None = None,
    reply_to: Sequence[str] = (),
    attachments: Sequence[dict[str, str]] = (),
):
    """The message rendered now (in ``language``) and recorded in the outbox, as a Celery signature of
    its send: to enqueue after something else, e.g. after the render of the document it attaches
    (``portal.documents``). Should that never be queued, the outbox's relay sends it."""
    from .tasks import send_outbox_email

    rendered = render_templated_email(template=template, context=context, language=language)
    email = outbox_record(to=to, reply_to=reply_to, attachments=attachments, send_after_commit=False, **rendered)
    return send_outbox_email.si(email.pk)


def send_templated_email(
    *,
    template: str,
    to: Sequence[str],
    context: dict[str, Any],
    language: str | None = None,
    reply_to: Sequence[str] = (),
    attachments: Sequence[dict[str, str]] = (),
) -> None:
    """Render now (in ``language``), send after commit through the worker.

    ``attachments``: files already saved in the default storage, as
    ``{"path": storage name, "filename": name shown, "mimetype": type}``.
    """
    rendered = render_templated_email(template=template, context=context, language=language)
    outbox_record(to=to, reply_to=reply_to, attachments=attachments, **rendered)


def enqueue_message(message: EmailMessage) -> None:
    """Send an already rendered Django message (allauth's) through the outbox, after commit."""
    html = None
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    if message.content_subtype == "html":
        html, body = message.body, ""
    else:
        body = message.body
    outbox_record(
        subject=message.subject,
        body=body,
        html=html,
        to=list(message.to),
        reply_to=list(message.reply_to),
        from_email=message.from_email,
    )
