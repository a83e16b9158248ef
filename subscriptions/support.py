"""A school's question to the shop ("My assistance"): kept for staff with its establishment, e-mailed to the shop."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from contacts.selectors import portal_url
from portal.audit import Action, audit_record
from portal.emails import send_templated_email

from .models import SupportQuestion
from .selectors import establishment_of


@transaction.atomic
def support_question_ask(*, user, topic: str, subject: str, message: str) -> SupportQuestion:
    question = SupportQuestion.objects.create(
        account_id=user.account_id, asked_by=user, topic=topic, subject=subject, message=message
    )
    audit_record(
        actor=user,
        action=Action.CREATED,
        obj=question,
        account_id=user.account_id,
        message=f"Question asked on “My assistance”: {subject}",
    )
    send_templated_email(
        template="subscriptions/support_question_staff",
        to=[settings.SHOP_EMAIL],
        reply_to=[user.email],
        context={
            "question": question,
            "account": user.account,
            "establishment": establishment_of(user.account),
            "user": user,
            "admin_url": portal_url("admin:subscriptions_supportquestion_change", question.pk),
        },
        language=settings.LANGUAGE_CODE,
    )
    return question
