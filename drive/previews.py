"""What the drive shows of a file without downloading it: a PDF's first pages, an image, a text's start.

A PDF is checked by the print shop's preflight and its first pages drawn by poppler's ``pdftoppm``, in
the worker (the preflight queue), each in a child process with bounded memory and time, exactly as for
product files. Images and texts are shown as they are, after their first bytes say what they are.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory

from django.conf import settings
from django.core.files import File
from django.db import transaction

from files import preflight
from files.models import FileKind, PreflightStatus
from files.services import FINAL_STATUSES, local_copy
from portal.audit import Action, audit_record

from .models import DriveEntry

logger = logging.getLogger(__name__)

PREVIEW_PAGES = 3
PREVIEW_PIXELS = 480
PREVIEW_MEMORY_BYTES = 512 * 1024 * 1024
MAX_PREVIEW_BYTES = 2 * 1024 * 1024
TEXT_PREVIEW_BYTES = 64 * 1024
PREFLIGHT_ACTOR = "preflight"

# Images a browser shows safely (no SVG: it can carry scripts), known by their first bytes.
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_TEXT_SUFFIXES = (".txt", ".md", ".csv", ".log", ".json", ".xml", ".tex")


def image_type(head: bytes) -> str | None:
    for signature, content_type in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def preview_kind(entry: DriveEntry) -> str | None:
    """``pdf``, ``image``, ``text`` or None: what the preview page can show of this file."""
    if entry.is_folder or not entry.file:
        return None
    if entry.is_pdf:
        return "pdf"
    if entry.content_type.startswith("image/"):
        return "image"
    if entry.content_type.startswith("text/") or entry.name.lower().endswith(_TEXT_SUFFIXES):
        return "text"
    return None


def read_head(entry: DriveEntry, size: int) -> bytes:
    try:
        with entry.file.open("rb") as handle:
            return handle.read(size)
    except (OSError, ValueError):
        return b""


def text_preview(entry: DriveEntry) -> tuple[str, bool]:
    """The file's first 64 KB as text (UTF-8, else Latin-1), and whether there is more."""
    data = read_head(entry, TEXT_PREVIEW_BYTES + 1)
    more = len(data) > TEXT_PREVIEW_BYTES
    data = data[:TEXT_PREVIEW_BYTES]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="ignore") if more else data.decode("latin-1")
    return text.replace("\x00", ""), more


def render_pages(path: str, *, pages: int = PREVIEW_PAGES, timeout: float = 60) -> list[bytes]:
    """The first pages as PNGs, drawn by pdftoppm in its own limited process."""
    with TemporaryDirectory() as folder:
        target = Path(folder) / "page"
        command = ["pdftoppm", "-png", "-f", "1", "-l", str(pages), "-scale-to", str(PREVIEW_PIXELS), path, str(target)]
        if shutil.which("prlimit"):
            command = ["prlimit", f"--as={PREVIEW_MEMORY_BYTES}", f"--cpu={int(timeout)}", "--", *command]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=True)  # noqa: S603
        except (subprocess.SubprocessError, OSError):
            logger.info("No preview for %s", path, exc_info=True)
            return []
        images = sorted(Path(folder).glob("page*.png"))
        return [image.read_bytes() for image in images if image.stat().st_size < MAX_PREVIEW_BYTES][:pages]


def entry_preflight(*, entry_id: int) -> DriveEntry | None:
    """Check one drive PDF and draw its first pages. Idempotent: a file already checked as it is stays so."""
    entry = DriveEntry.objects.filter(pk=entry_id, is_folder=False).first()
    if entry is None or not entry.is_pdf:
        return None  # Deleted (or replaced by another kind of file) before its turn came.
    checked = entry.sha256
    if (
        entry.preflight_status in FINAL_STATUSES
        and entry.preflight_report.get("sha256") == checked
        and (entry.previews or not entry.page_count)
    ):
        return entry
    DriveEntry.objects.filter(pk=entry_id, sha256=checked).update(preflight_status=PreflightStatus.RUNNING)
    images: list[bytes] = []
    with local_copy(entry.file) as path:
        if path is None:
            report = {"verdict": preflight.Verdict.ERROR, "page_count": None, "reasons": [_missing()]}
        else:
            result = preflight.run_limited(
                path,
                # No product to compare sizes and page counts with: the checks every PDF gets.
                expectation=preflight.Expectation(kind=FileKind.INVOICE),
                timeout=float(getattr(settings, "PREFLIGHT_TIME_LIMIT", 60)),
                memory_bytes=int(getattr(settings, "PREFLIGHT_MEMORY_LIMIT", 512 * 1024 * 1024)),
            )
            report = preflight.result_as_report(result)
            if report["page_count"]:
                images = render_pages(path)
    storage = DriveEntry._meta.get_field("file").storage
    stored = [
        storage.save(f"drive-previews/{entry.account_id}/{uuid.uuid4().hex}.png", File(io.BytesIO(png)))
        for png in images
    ]
    with transaction.atomic():
        current = DriveEntry.objects.select_for_update().filter(pk=entry_id, sha256=checked).first()
        if current is None:
            transaction.on_commit(lambda: _forget(stored))
            return None  # Deleted or replaced while it was checked: the new content has its own check.
        old_previews = list(current.previews or [])
        before = current.preflight_status
        current.preflight_status = report["verdict"]
        current.preflight_report = {"sha256": checked, "reasons": report["reasons"]}
        current.page_count = report["page_count"]
        current.previews = stored
        current.save(update_fields=["preflight_status", "preflight_report", "page_count", "previews"])
        audit_record(
            actor=None,
            action=Action.CHECKED,
            obj=current,
            account_id=current.account_id,
            changes={"preflight_status": [before, current.preflight_status]},
            message=current.name,
            actor_label=PREFLIGHT_ACTOR,
        )
        if old_previews:
            transaction.on_commit(lambda: _forget(old_previews))
    return current


def _forget(names: list[str]) -> None:
    storage = DriveEntry._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete drive preview %s", name, exc_info=True)


def _missing() -> dict:
    return {"level": "error", "code": "missing", "params": {}}
