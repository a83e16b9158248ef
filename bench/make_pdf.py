"""PDFs for the file benchmarks: many pages of incompressible image data, or a huge one streamed."""

from __future__ import annotations

import os
from collections.abc import Iterator

MM = 72 / 25.4


def write_interior(path: str, *, pages: int, bytes_per_page: int, width_mm=148, height_mm=210, bleed_mm=3) -> None:
    """A print-ready interior: every page has a TrimBox, 3 mm bleed and its own grey image of random bytes."""
    import pikepdf

    side = int(bytes_per_page**0.5)
    pdf = pikepdf.new()
    media = ((width_mm + 2 * bleed_mm) * MM, (height_mm + 2 * bleed_mm) * MM)
    trim = pikepdf.Array([bleed_mm * MM, bleed_mm * MM, (width_mm + bleed_mm) * MM, (height_mm + bleed_mm) * MM])
    for _ in range(pages):
        image = pikepdf.Stream(pdf, os.urandom(side * side))
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height, image.BitsPerComponent = side, side, 8
        image.ColorSpace = pikepdf.Name.DeviceGray
        pdf.add_blank_page(page_size=media)
        page = pdf.pages[-1]
        page.obj.TrimBox = trim
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.obj.Contents = pdf.make_stream(f"q {media[0]:.2f} 0 0 {media[1]:.2f} 0 0 cm /Im0 Do Q".encode())
    pdf.save(path, compress_streams=False)


class StreamedPdf:
    """A valid one-page PDF of exactly ``size`` bytes whose bulk is a content stream of spaces.

    Produced piece by piece: nothing of its size is ever held in memory.
    """

    def __init__(self, size: int, *, width_mm=154, height_mm=216):
        self.size = size
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width_mm * MM:.2f} {height_mm * MM:.2f}] "
            f"/Contents 4 0 R >>".encode(),
        ]
        self.head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(self.head))
            self.head += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
        offsets.append(len(self.head))
        # The tail depends on the padding length, whose digits depend on the tail: settle it in two passes.
        padding = 0
        for _ in range(3):
            stream_start = self.head + f"4 0 obj\n<< /Length {padding} >>\nstream\n".encode()
            tail = self._tail(offsets, len(stream_start) + padding)
            padding = size - len(stream_start) - len(tail)
        if padding < 0:
            raise ValueError("size too small for a PDF")
        self.head = stream_start
        self.padding = padding
        self.tail = self._tail(offsets, len(stream_start) + padding)
        assert len(self.head) + self.padding + len(self.tail) == size

    @staticmethod
    def _tail(offsets: list[int], stream_end: int) -> bytes:
        xref_at = stream_end + len(b"\nendstream\nendobj\n")
        rows = b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
        return (
            b"\nendstream\nendobj\n"
            + f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode()
            + rows
            + f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
        )

    def chunks(self, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        yield self.head
        block = b" " * chunk_size
        left = self.padding
        while left:
            piece = min(left, chunk_size)
            yield block[:piece]
            left -= piece
        yield self.tail
