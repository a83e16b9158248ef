"""Plain words for the preflight's reason codes and the upload refusals, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal.pdf_intake import problem_message

# Messages with a page count take their plural form from the ``count`` parameter.
REASONS = {
    "readable": _("The file can be read."),
    "not_encrypted": _("The file is not encrypted."),
    "not_pdf": _("The file is not a PDF."),
    "encrypted": _("The file is encrypted or protected by a password."),
    "unreadable": _("The file is damaged and cannot be read."),
    "no_pages": _("The file has no page."),
    "timeout": _("The file could not be checked in time."),
    "crashed": _("The file could not be checked."),
    "missing": _("The file is missing from storage."),
    "pages_ok": _("%(found)d pages, as ordered."),
    "pages_mismatch": _("The file has %(found)d pages; the product has %(expected)d."),
    "cover_pages_ok": _("Cover of %(found)d pages."),
    "cover_pages": _("A cover has 1, 2 or 4 pages; this file has %(found)d."),
    "cover_interior_pages_ok": _("%(found)d pages: the %(expected)d pages of the interior and the cover."),
    "cover_interior_pages": _(
        "The file has %(found)d pages; expected the %(expected)d pages of the interior plus 1, 2 or 4 cover pages."
    ),
    "no_format": _("The product has no format to compare the page size with."),
    "size_ok": _("Page size %(expected_width)d × %(expected_height)d mm with %(bleed)s mm bleed, as ordered."),
    "size_mismatch": ngettext_lazy(
        "Page %(pages)s measures %(width)d × %(height)d mm instead of %(expected_width)d × %(expected_height)d mm.",
        "Pages %(pages)s measure %(width)d × %(height)d mm instead of %(expected_width)d × %(expected_height)d mm.",
        "count",
    ),
    "no_bleed": ngettext_lazy(
        "Page %(pages)s has the right size but no 3 mm bleed.",
        "Pages %(pages)s have the right size but no 3 mm bleed.",
        "count",
    ),
    "turned": ngettext_lazy(
        "Page %(pages)s is turned: landscape instead of portrait or the reverse.",
        "Pages %(pages)s are turned: landscape instead of portrait or the reverse.",
        "count",
    ),
    "spread": ngettext_lazy(
        "Page %(pages)s is a spread (back, spine and front): only its height could be checked.",
        "Pages %(pages)s are spreads (back, spine and front): only their height could be checked.",
        "count",
    ),
}

LEVEL_LABELS = {"ok": _("OK"), "warning": _("Warning"), "error": _("Problem")}


@dataclass(frozen=True)
class Reason:
    level: str
    text: str

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS.get(self.level, ""))


def render_reason(reason: dict) -> Reason:
    message = REASONS.get(reason.get("code"))
    params = reason.get("params") or {}
    if message is None:
        return Reason(reason.get("level", "error"), str(_("Unknown check result.")))
    try:
        text = str(message % params) if params else str(message)
    except (KeyError, TypeError, ValueError):
        text = str(message)
    return Reason(reason.get("level", "error"), text)


def render_report(report: dict) -> list[Reason]:
    return [render_reason(reason) for reason in (report or {}).get("reasons", [])]


def refusal_message(problem: str, *, max_bytes: int | None = None, max_files: int | None = None) -> str:
    """Why an upload was refused, as shown next to the file field: the PDF intake's one message per
    problem, and the product's own limit on its number of files."""
    if problem == "too_many":
        return str(_("A product holds at most %(max)d files. Delete or replace one first.")) % {"max": max_files or 0}
    if problem == "too_large":
        return problem_message(problem, max=max_bytes or 0)
    return problem_message(problem)
