"""The one message per intake problem, in the reader's language."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .checks import Problem

MESSAGES = {
    Problem.EMPTY: _("This file is empty."),
    Problem.NOT_PDF: _("This file is not a PDF. Only PDF files are accepted, whatever their name."),
    Problem.TOO_LARGE: _("This file is larger than the %(max)s allowed."),
    Problem.ENCRYPTED: _("This PDF is encrypted or protected by a password. Send it without protection."),
    Problem.DAMAGED: _("This PDF is damaged and cannot be read. Export it again from your software."),
    Problem.NO_PAGES: _("This PDF has no page."),
    Problem.BAD_PAGE_SIZE: _(
        "The page size of this PDF is invalid. Export it again with the page size of your document."
    ),
    Problem.TOO_MANY_PAGES: _("This PDF has more than %(max)s pages, the most a file may have."),
    Problem.TOO_COMPLEX: _(
        "This PDF is too complex to be checked. Export it again from your software (for example flattened "
        "or optimised), or contact us."
    ),
    Problem.ACTIVE_CONTENT: _(
        "This PDF contains JavaScript or an action that launches a program. A print file never needs "
        "them: export it again without them."
    ),
}


def problem_message(code: str, **params) -> str:
    """The sentence shown next to the file field for ``code``, in the active language.

    ``max`` is the size cap in bytes for ``too_large`` and the page limit for ``too_many_pages``
    (both default to the settings). An unknown code reads as "too complex to be checked".
    """
    from django.conf import settings

    message = MESSAGES.get(code, MESSAGES[Problem.TOO_COMPLEX])
    if code == Problem.TOO_LARGE:
        return str(message) % {"max": filesizeformat(params.get("max", 0) or 0)}
    if code == Problem.TOO_MANY_PAGES:
        limit = params.get("max") or getattr(settings, "PDF_MAX_PAGES", 10_000)
        return str(message) % {"max": number_format(limit, force_grouping=True)}
    return str(message)
