"""Helpers of the generic link's tests: real PDFs made with pikepdf, links, uploads."""

from __future__ import annotations

import io
import os
import secrets

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile

from submissions.models import SubmissionLink
from submissions.services import JobSettings
from tests.factories import AccountFactory


def pdf_bytes(*, pages: int = 1, filler: int = 0) -> bytes:
    """A valid PDF; ``filler`` incompressible bytes make it as heavy as a test needs."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    if filler:
        pdf.Root.Filler = pdf.make_stream(os.urandom(filler))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def encrypted_pdf_bytes() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    return buffer.getvalue()


def upload(data: bytes | None = None, name: str = "mon livre.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, content_type="application/pdf")


def make_link(**fields) -> SubmissionLink:
    fields.setdefault("token", secrets.token_urlsafe(32))
    fields.setdefault("is_enabled", True)
    if "account" not in fields:
        fields["account"] = AccountFactory(name="Soumissions libres")
    return SubmissionLink.objects.create(**fields)


def job(**fields) -> JobSettings:
    return JobSettings(**{"title": "Recueil de poèmes", "page_count": 48, "quantity": 20, **fields})


def stored_files(media_root) -> list[str]:
    return [os.path.join(d, f) for d, _, files in os.walk(media_root) for f in files]
