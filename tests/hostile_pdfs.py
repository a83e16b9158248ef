"""The hostile-PDF corpus (issue 9): every kind of file an attacker, or a broken tool, sends to an intake.

Nothing large is committed: ``build_corpus(directory)`` writes the files in a few seconds and returns
what each one is and the verdict the one intake (``portal.pdf_intake``) must give it. Bombs are
small flate streams of zeros: one megabyte of zeros compressed after a full flush always gives the
same deflate block, so a 2 GiB stream is that block written 2,048 times (a zlib stream with a true
Adler-32, valid for any reader). Big files are written as raw PDF syntax (pikepdf is used for the
small, normal ones and for encryption, where writing by hand would prove nothing).

``expected`` is a ``portal.pdf_intake.Problem`` code, or None when the intake must accept the file.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB
A4 = (595.28, 841.89)

# Sizes the corpus build test checks against (kept here so the claim and the proof share them).
XREF_BOMB_BYTES = 2 * GiB
OBJSTM_BOMB_BYTES = 1 * GiB
CONTENT_BOMB_BYTES = 1 * GiB
IMAGE_SIDE = 32 * 1024  # 32,768 × 32,768 grey pixels at 8 bits = 1 GiB
MANY_PAGES = 200_000
MANY_OBJECTS = 1_000_000
RECOVERY_OBJECTS = 400_000
DEEP_LEVELS = 10_000


@dataclass(frozen=True)
class HostileFile:
    name: str
    path: Path
    expected: str | None
    note: str


# --- zlib bombs -------------------------------------------------------------------------------------


def _adler32_after_zeros(adler: int, count: int) -> int:
    """Adler-32 of (data + ``count`` zero bytes), given Adler-32 of data: a zero byte adds nothing to A
    and adds A to B, so B grows by count × A (mod 65521)."""
    a, b = adler & 0xFFFF, adler >> 16
    b = (b + count * a) % 65521
    return (b << 16) | a


@functools.cache
def _zero_block(count: int) -> bytes:
    """The deflate block (byte-aligned, no zlib header) of ``count`` zeros after a full flush."""
    compressor = zlib.compressobj(9)
    return (compressor.compress(bytes(count)) + compressor.flush(zlib.Z_FULL_FLUSH))[2:]


def flate_with_zeros(prefix: bytes, zero_count: int) -> bytes:
    """A zlib (FlateDecode) stream that inflates to ``prefix`` followed by ``zero_count`` zero bytes.

    After a full flush the compressor keeps no history, so one MiB of zeros always compresses to the
    same byte-aligned block: it is computed once and repeated. About 1 KB per MiB inflated."""
    # The prefix (real PDF syntax, sometimes megabytes of it) at level 1: level 9 takes seconds on it.
    compressor = zlib.compressobj(1)
    out = [compressor.compress(prefix), compressor.flush(zlib.Z_FULL_FLUSH)]
    chunks, rest = divmod(zero_count, MiB)
    if chunks:
        out.append(_zero_block(MiB) * chunks)
    if rest:
        out.append(_zero_block(rest))
    # Final empty fixed-Huffman block, then the Adler-32 of everything.
    out.append(b"\x03\x00")
    out.append(struct.pack(">I", _adler32_after_zeros(zlib.adler32(prefix), zero_count)))
    return b"".join(out)


def _block_count_note(size: int) -> str:
    return f"{size / GiB:g} GiB"


# --- raw PDF writers ---------------------------------------------------------------------------------


def _num(value: float) -> bytes:
    return (f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)).encode()


class _RawPdf:
    """Writes PDF syntax directly: plain objects, streams, object streams, and either a classic
    cross-reference table or a cross-reference stream. Object numbers are given by the caller."""

    def __init__(self, version: str = "1.7", *, preamble: bytes = b"") -> None:
        self.preamble = preamble
        self.parts: list[bytes] = [f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1")]
        self.pos = len(self.parts[0])
        self.entries: dict[int, tuple[int, int, int]] = {}  # num -> (type, field 2, field 3)

    def _write(self, data: bytes) -> None:
        self.parts.append(data)
        self.pos += len(data)

    def obj(self, num: int, body: bytes) -> None:
        self.entries[num] = (1, self.pos, 0)
        self._write(b"%d 0 obj\n%s\nendobj\n" % (num, body))

    def stream(self, num: int, dictionary: bytes, data: bytes) -> None:
        self.entries[num] = (1, self.pos, 0)
        self._write(b"%d 0 obj\n<<%s/Length %d>>\nstream\n%s\nendstream\nendobj\n" % (num, dictionary, len(data), data))

    def objstm(self, num: int, members: list[tuple[int, bytes]], *, zero_padding: int = 0) -> None:
        """An object stream holding ``members``, optionally followed by ``zero_padding`` NUL bytes
        (whitespace in PDF, so still valid) inside its compressed data."""
        header, bodies, offset = [], [], 0
        for index, (member, body) in enumerate(members):
            header.append(b"%d %d" % (member, offset))
            bodies.append(body)
            offset += len(body) + 1
            self.entries[member] = (2, num, index)
        head = b" ".join(header) + b"\n"
        data = head + b"\n".join(bodies) + b"\n"
        self.stream(
            num,
            b"/Type/ObjStm/N %d/First %d/Filter/FlateDecode" % (len(members), len(head)),
            flate_with_zeros(data, zero_padding),
        )

    def table(self, trailer: bytes, *, offset_shift: int = 0) -> bytes:
        """Finish with a classic xref table (only plain objects); ``offset_shift`` breaks every offset."""
        size = max(self.entries) + 1
        rows = [b"0000000000 65535 f \n"]
        for num in range(1, size):
            kind, offset, _ = self.entries.get(num, (0, 0, 0))
            rows.append(b"%010d 00000 n \n" % (offset + offset_shift) if kind == 1 else b"0000000000 65535 f \n")
        start = self.pos
        self._write(b"xref\n0 %d\n" % size + b"".join(rows))
        self._write(b"trailer\n<</Size %d%s>>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer, start))
        return self.preamble + b"".join(self.parts)

    def xref_stream(self, trailer: bytes, *, zero_padding: int = 0) -> bytes:
        """Finish with a compressed cross-reference stream (W [1 4 2]). With ``zero_padding`` the
        stream carries that many more zero bytes (free entries), and /Size counts them, as a
        consistent bomb would."""
        num = max(self.entries) + 1
        self.entries[num] = (1, self.pos, 0)
        rows = []
        for n in range(num + 1):
            kind, two, three = self.entries.get(n, (0, 0, 65535 if n == 0 else 0))
            rows.append(struct.pack(">BIH", kind, two, three))
        data = b"".join(rows)
        size = num + 1 + zero_padding // 7
        zero_padding -= zero_padding % 7
        dictionary = b"/Type/XRef/Size %d/W[1 4 2]%s/Filter/FlateDecode" % (size, trailer)
        start = self.pos
        self.stream(num, dictionary, flate_with_zeros(data, zero_padding))
        self._write(b"startxref\n%d\n%%%%EOF\n" % start)
        return self.preamble + b"".join(self.parts)


_CATALOG = b"<</Type/Catalog/Pages 2 0 R>>"
_PAGES_ONE = b"<</Type/Pages/Kids[3 0 R]/Count 1>>"


def _page(media: tuple[float, float, float, float] = (0, 0, *A4), extra: bytes = b"") -> bytes:
    box = b" ".join(_num(v) for v in media)
    resources = b"" if b"/Resources" in extra else b"/Resources<<>>"
    return b"<</Type/Page/Parent 2 0 R/MediaBox[%s]%s%s>>" % (box, resources, extra)


# --- pikepdf-made files ----------------------------------------------------------------------------


def _pikepdf_bytes(pages: int = 1, *, prepare: Callable[[pikepdf.Pdf], None] | None = None, **save) -> bytes:
    pdf = pikepdf.new()
    for index in range(pages):
        pdf.add_blank_page(page_size=A4)
        content = b"BT /F1 24 Tf 72 720 Td (Page %d) Tj ET" % (index + 1)
        page = pdf.pages[-1]
        page.obj.Contents = pdf.make_stream(content)
        page.obj.Resources = pikepdf.Dictionary(
            Font=pikepdf.Dictionary(
                F1=pikepdf.Dictionary(
                    Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
                )
            )
        )
    if prepare:
        prepare(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer, **save)
    return buffer.getvalue()


def _javascript_open_action(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('pwned')"))
    )


def _launch_action(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pdf.make_indirect(
        pikepdf.Dictionary(
            S=pikepdf.Name.Launch,
            F=pikepdf.String("cmd.exe"),
            Win=pikepdf.Dictionary(F=pikepdf.String("cmd.exe"), P=pikepdf.String("/c calc.exe")),
        )
    )


def _javascript_names(pdf: pikepdf.Pdf) -> None:
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("init"), action])))
    )


# --- raw files ---------------------------------------------------------------------------------------


def _content_bomb() -> bytes:
    pdf = _RawPdf()
    pdf.obj(1, _CATALOG)
    pdf.obj(2, _PAGES_ONE)
    pdf.obj(3, _page(extra=b"/Contents 4 0 R"))
    pdf.stream(4, b"/Filter/FlateDecode", flate_with_zeros(b"q Q\n", CONTENT_BOMB_BYTES))
    return pdf.table(b"/Root 1 0 R")


def _image_bomb() -> bytes:
    pdf = _RawPdf()
    pdf.obj(1, _CATALOG)
    pdf.obj(2, _PAGES_ONE)
    pdf.obj(3, _page(extra=b"/Contents 4 0 R/Resources<</XObject<</Im1 5 0 R>>>>"))
    pdf.stream(4, b"", b"q 595 0 0 842 0 0 cm /Im1 Do Q")
    pdf.stream(
        5,
        b"/Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray/BitsPerComponent 8/Filter/FlateDecode"
        % (IMAGE_SIDE, IMAGE_SIDE),
        flate_with_zeros(b"", IMAGE_SIDE * IMAGE_SIDE),
    )
    return pdf.table(b"/Root 1 0 R")


def _nested_filter_bomb() -> bytes:
    inner = flate_with_zeros(b"q Q\n", CONTENT_BOMB_BYTES)
    pdf = _RawPdf()
    pdf.obj(1, _CATALOG)
    pdf.obj(2, _PAGES_ONE)
    pdf.obj(3, _page(extra=b"/Contents 4 0 R"))
    pdf.stream(4, b"/Filter[/FlateDecode/FlateDecode]", zlib.compress(inner, 9))
    return pdf.table(b"/Root 1 0 R")


def _xref_stream_bomb() -> bytes:
    pdf = _RawPdf()
    pdf.obj(1, _CATALOG)
    pdf.obj(2, _PAGES_ONE)
    pdf.obj(3, _page())
    return pdf.xref_stream(b"/Root 1 0 R", zero_padding=XREF_BOMB_BYTES)


def _objstm_bomb() -> bytes:
    pdf = _RawPdf()
    # The catalog, the page tree and the page live in the bomb: no reader finds a page without inflating it.
    pdf.objstm(4, [(1, _CATALOG), (2, _PAGES_ONE), (3, _page())], zero_padding=OBJSTM_BOMB_BYTES)
    return pdf.xref_stream(b"/Root 1 0 R")


def _many_pages() -> bytes:
    """200,000 pages in a two-level tree (200 nodes of 1,000), all sharing one content stream,
    compressed in object streams so the file stays small (about 1 MB)."""
    pdf = _RawPdf()
    pdf.stream(3, b"", b"q Q")
    per_node, nodes = 1000, MANY_PAGES // 1000
    first_node, first_page = 10, 10 + nodes
    members = [(1, _CATALOG)]
    kids = b" ".join(b"%d 0 R" % (first_node + i) for i in range(nodes))
    members.append(
        (2, b"<</Type/Pages/Kids[%s]/Count %d/MediaBox[0 0 595.28 841.89]/Resources<<>>>>" % (kids, MANY_PAGES))
    )
    for i in range(nodes):
        start = first_page + i * per_node
        node_kids = b" ".join(b"%d 0 R" % n for n in range(start, start + per_node))
        members.append((first_node + i, b"<</Type/Pages/Parent 2 0 R/Kids[%s]/Count %d>>" % (node_kids, per_node)))
    for i in range(nodes):
        start = first_page + i * per_node
        members.extend(
            (n, b"<</Type/Page/Parent %d 0 R/Contents 3 0 R>>" % (first_node + i))
            for n in range(start, start + per_node)
        )
    stream_num = first_page + MANY_PAGES
    for offset in range(0, len(members), 5000):
        pdf.objstm(stream_num, members[offset : offset + 5000])
        stream_num += 1
    return pdf.xref_stream(b"/Root 1 0 R")


def _many_objects() -> bytes:
    """A one-page document with 1,000,000 more objects (nulls in object streams of 10,000)."""
    pdf = _RawPdf()
    pdf.obj(1, _CATALOG)
    pdf.obj(2, _PAGES_ONE)
    pdf.obj(3, _page())
    first, per_stream = 10, 10_000
    stream_num = first + MANY_OBJECTS
    for start in range(first, first + MANY_OBJECTS, per_stream):
        pdf.objstm(stream_num, [(n, b"null") for n in range(start, start + per_stream)])
        stream_num += 1
    return pdf.xref_stream(b"/Root 1 0 R")


def _recovery_only() -> bytes:
    """400,000 plain objects and no usable cross-reference: startxref points into the objects,
    so only a reconstruction (a scan of the whole file) can read it."""
    parts = [b"%PDF-1.7\n", b"1 0 obj\n" + _CATALOG + b"\nendobj\n", b"2 0 obj\n" + _PAGES_ONE + b"\nendobj\n"]
    parts.append(b"3 0 obj\n" + _page() + b"\nendobj\n")
    parts.extend(b"%d 0 obj 0 endobj\n" % n for n in range(4, 4 + RECOVERY_OBJECTS))
    parts.append(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (4 + RECOVERY_OBJECTS, 9))
    return b"".join(parts)


def _broken_xref() -> bytes:
    pdf = _RawPdf()
    pdf.obj(1, _CATALOG)
    pdf.obj(2, _PAGES_ONE)
    pdf.obj(3, _page(extra=b"/Contents 4 0 R"))
    pdf.stream(4, b"", b"BT /F1 12 Tf 72 720 Td (broken xref) Tj ET")
    return pdf.table(b"/Root 1 0 R", offset_shift=37)


def _deep_tree() -> bytes:
    """10,000 levels of /Pages, one page at the bottom."""
    pdf = _RawPdf()
    pdf.obj(1, b"<</Type/Catalog/Pages 2 0 R>>")
    leaf = 2 + DEEP_LEVELS
    for num in range(2, leaf):
        parent = b"/Parent %d 0 R" % (num - 1) if num > 2 else b""
        pdf.obj(num, b"<</Type/Pages/Kids[%d 0 R]/Count 1%s>>" % (num + 1, parent))
    pdf.obj(leaf, b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 595.28 841.89]/Resources<<>>>>" % (leaf - 1))
    return pdf.table(b"/Root 1 0 R")


def _cyclic_tree() -> bytes:
    """The root's second kid is a /Pages node whose kid is the root again."""
    pdf = _RawPdf()
    pdf.obj(1, _CATALOG)
    pdf.obj(2, b"<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2>>")
    pdf.obj(3, _page())
    pdf.obj(4, b"<</Type/Pages/Parent 2 0 R/Kids[2 0 R]/Count 1>>")
    return pdf.table(b"/Root 1 0 R")


def _zero_pages() -> bytes:
    pdf = _RawPdf()
    pdf.obj(1, _CATALOG)
    pdf.obj(2, b"<</Type/Pages/Kids[]/Count 0>>")
    return pdf.table(b"/Root 1 0 R")


def _one_page(media: tuple[float, float, float, float]) -> bytes:
    pdf = _RawPdf()
    pdf.obj(1, _CATALOG)
    pdf.obj(2, _PAGES_ONE)
    pdf.obj(3, _page(media))
    return pdf.table(b"/Root 1 0 R")


def _polyglot() -> bytes:
    """An HTML page that is also a PDF: the %PDF header comes after 300 bytes of HTML (readers look
    for it in the first kilobyte); the PDF's offsets count from its header, as real polyglots do."""
    html = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script><!--"
    html = html.ljust(300, b" ") + b"\n"
    return html + _pikepdf_bytes(1) + b"-->\n</body></html>\n"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def _zip() -> bytes:
    buffer = io.BytesIO()
    # Deflated: a stored member would show its %PDF header in the first kilobyte (a polyglot, not this).
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("interieur.pdf", _pikepdf_bytes(1))
    return buffer.getvalue()


_KINDS: list[tuple[str, Callable[[], bytes], str | None, str]] = [
    ("valid-1-page.pdf", lambda: _pikepdf_bytes(1), None, "a normal one-page A4 PDF"),
    ("valid-a4-10-pages.pdf", lambda: _pikepdf_bytes(10), None, "a normal ten-page A4 PDF"),
    (
        "bomb-xref-stream.pdf",
        _xref_stream_bomb,
        "too_complex",
        "the cross-reference stream inflates to 2 GiB and its /Size claims 306 million entries: the file is "
        "well formed (not damaged), but reading its structure costs more than any limit allows, so it is too complex",
    ),
    (
        "bomb-object-stream.pdf",
        _objstm_bomb,
        "too_complex",
        "the catalog and the page live in an object stream that inflates to 1 GiB: well formed, but too costly "
        "to read, so too complex",
    ),
    (
        "bomb-content-stream.pdf",
        _content_bomb,
        None,
        "the page's content stream inflates to 1 GiB of whitespace; the structure check never decodes page "
        "content and sees a sound one-page PDF: accepted (the test proves time and memory only)",
    ),
    (
        "bomb-image-xobject.pdf",
        _image_bomb,
        None,
        "a 32,768 × 32,768 grey image whose stream inflates to 1 GiB; not decoded by the structure check, "
        "which sees a sound one-page PDF: accepted (time and memory only)",
    ),
    (
        "bomb-nested-filters.pdf",
        _nested_filter_bomb,
        None,
        "content stream with [/FlateDecode /FlateDecode]: a few KB inflate to 1 MB, then to 1 GiB; not decoded "
        "by the structure check: accepted (time and memory only)",
    ),
    ("pages-200000.pdf", _many_pages, "too_many_pages", "200,000 pages sharing one content stream (about 1 MB)"),
    ("objects-1000000.pdf", _many_objects, "too_complex", "a one-page PDF carrying 1,000,000 more objects"),
    (
        "recovery-400000-objects.pdf",
        _recovery_only,
        "damaged",
        "400,000 objects and a startxref pointing into them: readable only by reconstruction",
    ),
    (
        "truncated.pdf",
        lambda: _pikepdf_bytes(10)[: len(_pikepdf_bytes(10)) * 3 // 5],
        "damaged",
        "a ten-page PDF cut at 60%",
    ),
    ("broken-xref-offsets.pdf", _broken_xref, "damaged", "every cross-reference offset is 37 bytes off"),
    (
        "encrypted-user-password.pdf",
        lambda: _pikepdf_bytes(1, encryption=pikepdf.Encryption(user="secret", owner="owner-secret")),
        "encrypted",
        "opens only with the user password",
    ),
    (
        "encrypted-owner-password.pdf",
        lambda: _pikepdf_bytes(1, encryption=pikepdf.Encryption(user="", owner="owner-secret")),
        "encrypted",
        "opens without a password but is encrypted (owner password only, restrictions)",
    ),
    (
        "javascript-open-action.pdf",
        lambda: _pikepdf_bytes(1, prepare=_javascript_open_action),
        "active_content",
        "/OpenAction runs JavaScript on opening",
    ),
    (
        "launch-action.pdf",
        lambda: _pikepdf_bytes(1, prepare=_launch_action),
        "active_content",
        "/OpenAction /Launch cmd.exe",
    ),
    (
        "javascript-names-tree.pdf",
        lambda: _pikepdf_bytes(1, prepare=_javascript_names),
        "active_content",
        "document-level JavaScript in the /Names /JavaScript tree",
    ),
    (
        "page-tree-deep.pdf",
        _deep_tree,
        "too_complex",
        "10,000 nested /Pages levels above one page: well formed, but no real document nests so deep",
    ),
    (
        "page-tree-cyclic.pdf",
        _cyclic_tree,
        "too_complex",
        "a /Pages node whose kid is the root again: the intake walks the tree itself, bounded, and refuses a "
        "node met twice as it refuses 10,000 levels (a tree it cannot walk within its bounds), not as damage, "
        "since the file reads without any repair",
    ),
    (
        "polyglot-html.pdf",
        _polyglot,
        "damaged",
        "HTML (with a script) before the %PDF header, which comes at byte 301: a reader would accept it, the "
        "intake must not",
    ),
    ("zero-pages.pdf", _zero_pages, "no_pages", "a sound page tree with no page"),
    (
        "mediabox-huge.pdf",
        lambda: _one_page((0, 0, 1_000_000_000, 1_000_000_000)),
        "bad_page_size",
        "one page of MediaBox [0 0 1e9 1e9]",
    ),
    ("mediabox-zero.pdf", lambda: _one_page((0, 0, 0, 0)), "bad_page_size", "one page of MediaBox [0 0 0 0]"),
    ("zero-bytes.pdf", lambda: b"", "empty", "an empty file"),
    ("image.png.pdf", _png, "not_pdf", "a PNG image named .pdf"),
    ("archive.zip.pdf", _zip, "not_pdf", "a ZIP archive (holding a PDF) named .pdf"),
    ("text.pdf", lambda: b"Bonjour, voici le fichier.\n" * 20, "not_pdf", "a text file named .pdf"),
]


def build_corpus(directory: Path) -> list[HostileFile]:
    """Write every hostile file into ``directory`` (created if need be) and describe them.

    A file already there is reused, so a session can call this once and share the directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    corpus = []
    for name, make, expected, note in _KINDS:
        path = directory / name
        if not path.exists():
            partial = path.with_suffix(".partial")
            partial.write_bytes(make())
            partial.replace(path)
        corpus.append(HostileFile(name=name, path=path, expected=expected, note=note))
    return corpus
