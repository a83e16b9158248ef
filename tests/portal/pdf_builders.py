"""Small PDFs for the intake's tests, made on the fly (pikepdf or raw bytes): no binary is committed."""

from __future__ import annotations

import functools
import io
import zlib

import pikepdf

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def good_pdf(pages: int = 1, *, size=(595, 842)) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=size)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def encrypted_pdf(*, user: str = "secret", owner: str = "owner") -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer, encryption=pikepdf.Encryption(owner=owner, user=user))
    return buffer.getvalue()


def zero_page_pdf() -> bytes:
    buffer = io.BytesIO()
    pikepdf.new().save(buffer)
    return buffer.getvalue()


def raw_pdf(objects: dict[int, bytes], *, root: int = 1, size: int | None = None) -> bytes:
    """A PDF written by hand: numbered objects, a correct cross-reference table, a trailer."""
    out = bytearray(HEADER)
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    start = len(out)
    count = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    for number in range(1, count):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size or count, root, start)
    return bytes(out)


def one_page(*, page: bytes = b"/MediaBox [0 0 595 842]", catalog: bytes = b"", size: int | None = None) -> bytes:
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog,
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R %s >>" % page,
        },
        size=size,
    )


def many_pages(count: int) -> bytes:
    """``count`` distinct pages sharing one MediaBox, written by hand (fast even for 200,000)."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595 842] >>" % (kids, count),
    }
    for i in range(count):
        objects[3 + i] = b"<< /Type /Page /Parent 2 0 R >>"
    return raw_pdf(objects)


def lying_count(count: int) -> bytes:
    """One real page, a root page tree that claims ``count``."""
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        }
    )


def cyclic_page_tree() -> bytes:
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
            3: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        }
    )


def deep_page_tree(depth: int = 200) -> bytes:
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for level in range(depth):
        number = 2 + level
        objects[number] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1 /MediaBox [0 0 595 842] >>" % (number + 1)
    objects[2 + depth] = b"<< /Type /Page /Parent %d 0 R >>" % (1 + depth)
    return raw_pdf(objects)


def broken_xref() -> bytes:
    """Every offset of the cross-reference table is wrong: only a repair could read the file."""
    data = one_page()
    start = data.index(b"xref\n")
    table = data[start:].replace(b"00000 n", b"00000 n")
    lines = table.split(b"\n")
    fixed = [b"%010d 00000 n " % (int(line[:10]) + 7) if line.endswith(b"00000 n ") else line for line in lines]
    return data[:start] + b"\n".join(fixed)


def html_polyglot() -> bytes:
    return b"<html><body><script>alert(1)</script>\n" + good_pdf() + b"\n</body></html>\n"


def xref_stream_bomb(inflated_bytes: int = (1024**3) + 1) -> bytes:
    """A PDF of about a megabyte whose cross-reference stream inflates to more than ``inflated_bytes``."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1024 * 1024)
    parts = []
    for _ in range(inflated_bytes // len(chunk) + 1):
        parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    data = b"".join(parts)
    body = bytearray(HEADER)
    offsets = {}
    for number, text in (
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"),
    ):
        offsets[number] = len(body)
        body += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    start = len(body)
    body += (
        b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(data)
    )
    body += data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start
    return bytes(body)


def object_stream_bomb(inflated_bytes: int = (1024**3) + 1) -> bytes:
    """A PDF whose page lives in an object stream that inflates to more than ``inflated_bytes``."""
    compressor = zlib.compressobj(9)
    prefix = b"3 0 "
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    parts = [compressor.compress(prefix + page + b" ")]
    chunk = b" " * (1024 * 1024)
    for _ in range(inflated_bytes // len(chunk) + 1):
        parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    data = b"".join(parts)
    body = bytearray(HEADER)
    offsets = {}
    for number, text in (
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        (
            4,
            b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(prefix), len(data))
            + data
            + b"\nendstream",
        ),
    ):
        offsets[number] = len(body)
        body += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    start = len(body)
    rows = [
        b"\x00\x00\x00\x00\x00\xff\xff",
        b"\x01" + offsets[1].to_bytes(4, "big") + b"\x00\x00",
        b"\x01" + offsets[2].to_bytes(4, "big") + b"\x00\x00",
        b"\x02" + (4).to_bytes(4, "big") + b"\x00\x00",
        b"\x01" + offsets[4].to_bytes(4, "big") + b"\x00\x00",
        b"\x01" + start.to_bytes(4, "big") + b"\x00\x00",
    ]
    xref = b"".join(rows)
    body += b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(xref)
    body += xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start
    return bytes(body)


@functools.cache
def cached_xref_stream_bomb() -> bytes:
    """Made once per test run (compressing a gigabyte takes a few seconds)."""
    return xref_stream_bomb()


@functools.cache
def cached_object_stream_bomb() -> bytes:
    return object_stream_bomb()
