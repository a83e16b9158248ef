"""The one sentence per drive refusal, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.pdf_intake import Problem, problem_message

from .services import DriveError
from .uploads import QUOTA, max_upload_bytes


def error_message(error: DriveError) -> str:
    params = error.params
    if error.code == "invalid_name":
        return _('This name cannot be used: give one name without / \\ : * ? " < > | and not only dots.')
    if error.code == "name_taken":
        return _("“%(name)s” already exists in this folder.") % {"name": params.get("name", "")}
    if error.code == "read_only":
        return _("“%(name)s” is kept by the portal for an order: it cannot be changed.") % {
            "name": params.get("name", "")
        }
    if error.code == "in_production":
        return _("“%(name)s” is used by order %(order)s, which is in production: it cannot be changed.") % {
            "name": params.get("name", ""),
            "order": params.get("order", ""),
        }
    if error.code == "quota_exceeded":
        return quota_message()
    if error.code == "not_attachable":
        return _("Only a PDF of “My files” can be attached to a product.")
    if error.code == "pdf_refused":
        problem = params.get("problem", "")
        return problem_message(problem) if problem and problem != "missing" else _("This file could not be read.")
    if error.code == "product_full":
        return _("This product already has its files: replace or delete one to attach another.")
    if error.code == "invalid_move":
        return _("An item cannot be moved there.")
    return _("This could not be done.")


def quota_message() -> str:
    return _("This file would take the drive past its quota. Delete some files or ask the print shop for more room.")


def upload_problem_message(problem: str) -> str:
    if problem == QUOTA:
        return quota_message()
    if problem == Problem.TOO_LARGE:
        return problem_message(problem, max=max_upload_bytes())
    return problem_message(problem)
