"""The one PDF intake of the portal: every path that takes a PDF judges it here, the same way.

- ``PdfUploadHandler`` (``uploads.py``) streams the upload to a temporary file on disk: size caps while
  it streams, ``%PDF-`` in the first kilobyte, SHA-256 on the way, zero bytes is ``empty``.
- ``inspect_pdf`` judges the content in a limited child process (``checks.py``, run by ``runner.py``):
  strict opening (no recovery), encryption, page count and sizes, object count, JavaScript and launch
  actions, within a memory cap and a wall-clock limit.
- ``problem_message`` is the one sentence per ``Problem`` code, in the reader's language.

The kernel owns it: it imports no feature app.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass

from django.conf import settings

from . import runner
from .checks import SIGNATURE_WINDOW, Problem, has_pdf_signature
from .messages import problem_message
from .uploads import PdfUploadHandler, declared_too_large, install_pdf_upload_handler

__all__ = (
    "SIGNATURE_WINDOW",
    "IntakeResult",
    "PdfUploadHandler",
    "Problem",
    "declared_too_large",
    "has_pdf_signature",
    "inspect_pdf",
    "inspect_upload",
    "install_pdf_upload_handler",
    "problem_message",
)


@dataclass(frozen=True)
class IntakeResult:
    problem: str | None
    page_count: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def intake_timeout() -> float:
    return float(getattr(settings, "PDF_INTAKE_TIMEOUT", 8))


def intake_memory_limit() -> int:
    return int(getattr(settings, "PDF_INTAKE_MEMORY_LIMIT", 512 * 1024 * 1024))


def max_pages() -> int:
    return int(getattr(settings, "PDF_MAX_PAGES", 10_000))


def max_objects() -> int:
    return int(getattr(settings, "PDF_MAX_OBJECTS", 500_000))


def inspect_pdf(path, *, timeout: float | None = None, memory_bytes: int | None = None) -> IntakeResult:
    """Judge the PDF at ``path`` in a limited child process; the web process never parses it.

    A child that overruns its time, hits its memory cap or crashes gives ``too_complex``.
    """
    command = [
        *runner.intake_command(),
        os.path.abspath(path),
        "--max-pages",
        str(max_pages()),
        "--max-objects",
        str(max_objects()),
    ]
    result = runner.run_child(
        command,
        timeout=intake_timeout() if timeout is None else timeout,
        memory_bytes=intake_memory_limit() if memory_bytes is None else memory_bytes,
    )
    if "crash" in result:
        return IntakeResult(Problem.TOO_COMPLEX)
    problem = result.get("problem")
    if problem is not None:
        return IntakeResult(str(problem))
    page_count = result.get("page_count")
    return IntakeResult(None, page_count if isinstance(page_count, int) else None)


def inspect_upload(upload, *, handler: PdfUploadHandler | None = None) -> IntakeResult:
    """Judge an uploaded file: the streaming handler's verdict first, then its content in the child.

    An upload that went through Django's default handlers (an admin form) may be in memory or
    elsewhere: it is copied to a temporary file first, so the check is the same.
    """
    if handler is not None and handler.problem:
        return IntakeResult(handler.problem)
    if upload is None:
        return IntakeResult(Problem.EMPTY)
    if not upload.size:
        return IntakeResult(Problem.EMPTY)
    path = getattr(upload, "temporary_file_path", None)
    if path is not None:
        return inspect_pdf(path())
    with tempfile.NamedTemporaryFile(suffix=".pdf") as copy:
        position = upload.tell() if hasattr(upload, "tell") else 0
        upload.seek(0)
        shutil.copyfileobj(upload, copy, 1024 * 1024)
        upload.seek(position)
        copy.flush()
        return inspect_pdf(copy.name)
