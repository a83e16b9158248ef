"""Actions of the portal's own pages that are not another app's business."""

from __future__ import annotations

from django.conf import settings


def user_language_set(*, user, language: str) -> bool:
    """Remember a signed-in user's language, so e-mails follow it too; False if it is not offered."""
    if language not in dict(settings.LANGUAGES):
        return False
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return True
