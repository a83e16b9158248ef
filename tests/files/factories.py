"""Products to attach files to, and PDFs made with pikepdf for the tests."""

from __future__ import annotations

import io

import factory
import pikepdf

from library.models import PaperFormat, Product
from tests.factories import AccountFactory

MM = 72 / 25.4


class PaperFormatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperFormat
        django_get_or_create = ("code",)

    name = "A5"
    code = "a5-files-tests"
    width_mm = 148
    height_mm = 210


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    account = factory.SubFactory(AccountFactory)
    title = factory.Sequence(lambda n: f"Carnet de voyage {n}")
    paper_format = factory.SubFactory(PaperFormatFactory)
    page_count = 8


def pdf_bytes(
    pages: int = 8,
    *,
    width_mm: float = 148,
    height_mm: float = 210,
    bleed_mm: float = 3,
    trimbox: bool = True,
    encrypt: bool = False,
) -> bytes:
    """A PDF of ``pages`` pages: MediaBox = format + bleed, TrimBox = the format (as printers want)."""
    pdf = pikepdf.new()
    media = [0, 0, (width_mm + 2 * bleed_mm) * MM, (height_mm + 2 * bleed_mm) * MM]
    for _ in range(pages):
        pdf.add_blank_page(page_size=(media[2], media[3]))
        page = pdf.pages[-1]
        if trimbox and bleed_mm:
            page.obj.TrimBox = pikepdf.Array(
                [bleed_mm * MM, bleed_mm * MM, (width_mm + bleed_mm) * MM, (height_mm + bleed_mm) * MM]
            )
    buffer = io.BytesIO()
    if encrypt:
        pdf.save(buffer, encryption=pikepdf.Encryption(owner="o", user="u"))
    else:
        pdf.save(buffer)
    return buffer.getvalue()


def write_pdf(path, **kwargs) -> str:
    path.write_bytes(pdf_bytes(**kwargs))
    return str(path)
