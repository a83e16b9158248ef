"""The hostile-PDF corpus is what it claims: each file checked cheaply (never by letting a reader
inflate a bomb in the test process), and the whole corpus written in under 20 seconds."""

from __future__ import annotations

import re
import zipfile
import zlib

import pikepdf
import pytest

from tests import hostile_pdfs as h

PROBLEMS = {
    "empty",
    "not_pdf",
    "too_large",
    "encrypted",
    "damaged",
    "no_pages",
    "bad_page_size",
    "too_many_pages",
    "too_complex",
    "active_content",
}


def _raw_stream(data: bytes, marker: bytes) -> tuple[bytes, bytes]:
    """(dictionary, raw data) of the first stream object whose dictionary contains ``marker``,
    read by its /Length (no reader involved)."""
    for match in re.finditer(rb"\d+ 0 obj\n<<(.*?)>>\nstream\n", data, re.S):
        dictionary = match.group(1)
        if marker in dictionary:
            length = int(re.search(rb"/Length (\d+)", dictionary).group(1))
            return dictionary, data[match.end() : match.end() + length]
    raise AssertionError(f"no stream with {marker!r}")


def _inflated_size(compressed: bytes, *, stop_after: int) -> int:
    """Inflate in bounded chunks, counting, never holding more than 1 MiB; stop past ``stop_after``.
    About 3 s of CPU per GiB: the slow tests only."""
    inflater = zlib.decompressobj()
    total, pending = 0, compressed
    while pending and total <= stop_after:
        total += len(inflater.decompress(pending, h.MiB))
        pending = inflater.unconsumed_tail
    return total


def _zero_mib_blocks(compressed: bytes) -> int:
    """The cheap proof of a bomb's size: the longest run of consecutive copies of the deflate block
    of one MiB of zeros (made here, not by the generator, and checked to inflate to exactly one MiB
    on its own, so it needs no history), after checking the stream's first 8 MiB inflate cleanly."""
    compressor = zlib.compressobj(9)
    block = (compressor.compress(bytes(h.MiB)) + compressor.flush(zlib.Z_FULL_FLUSH))[2:]
    alone = zlib.decompressobj()
    assert alone.decompress(b"\x78\xda" + block) == bytes(h.MiB)
    assert zlib.decompressobj().decompress(compressed, 8 * h.MiB)  # a zlib stream, readable
    best, start = 0, compressed.find(block)
    while start != -1:
        end = start
        while compressed.startswith(block, end):
            end += len(block)
        best = max(best, (end - start) // len(block))
        start = compressed.find(block, end)
    return best


def _open(item, **kwargs):
    return pikepdf.open(item.path, attempt_recovery=False, **kwargs)


def _open_lazily(item):
    """Without pushing inherited attributes to the pages, which walks (and refuses) a bad tree."""
    return pikepdf.open(item.path, attempt_recovery=False, inherit_page_attributes=False)


def test_the_corpus_is_written_in_under_20_seconds(hostile_corpus_build):
    """CPU seconds of this process: the wall clock of a shared machine says more about the neighbours."""
    corpus, seconds = hostile_corpus_build
    assert seconds < 20, f"writing the corpus took {seconds:.1f} s of CPU"
    assert len(corpus) >= 27
    assert all(item.path.exists() for item in corpus.values())


def test_every_expected_verdict_is_a_problem_code_or_acceptance(hostile_corpus):
    assert {item.expected for item in hostile_corpus.values()} - {None} <= PROBLEMS
    assert all(item.note for item in hostile_corpus.values())


def test_the_files_stay_small(hostile_corpus):
    assert max(item.path.stat().st_size for item in hostile_corpus.values()) < 10 * h.MiB


def test_a_full_flush_bomb_is_a_true_zlib_stream():
    data = h.flate_with_zeros(b"prefix", 3 * h.MiB + 5)
    assert zlib.decompress(data) == b"prefix" + bytes(3 * h.MiB + 5)  # Adler-32 checked by zlib


@pytest.mark.parametrize("name", ["valid-1-page.pdf", "valid-a4-10-pages.pdf"])
def test_the_valid_files_are_sound(hostile_corpus, name):
    with _open(hostile_corpus[name]) as pdf:
        assert len(pdf.pages) == (1 if "1-page" in name else 10)
        assert pdf.get_warnings() == []
        assert not pdf.is_encrypted
        assert [round(float(v)) for v in pdf.pages[0].mediabox] == [0, 0, 595, 842]


def test_the_xref_stream_bomb_inflates_past_2_gib(hostile_corpus):
    item = hostile_corpus["bomb-xref-stream.pdf"]
    data = item.path.read_bytes()
    dictionary, raw = _raw_stream(data, b"/Type/XRef")
    assert len(data) < 3 * h.MiB
    assert int(re.search(rb"/Size (\d+)", dictionary).group(1)) > 300_000_000
    assert _zero_mib_blocks(raw) * h.MiB >= h.XREF_BOMB_BYTES - h.MiB
    start = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[start:].startswith(b"%d 0 obj\n<</Type/XRef" % int(data[start:].split()[0]))


def test_the_object_stream_bomb_holds_the_catalog_and_inflates_past_1_gib(hostile_corpus):
    data = hostile_corpus["bomb-object-stream.pdf"].path.read_bytes()
    _dictionary, raw = _raw_stream(data, b"/Type/ObjStm")
    head = zlib.decompressobj().decompress(raw, 4096)
    assert b"/Type/Catalog" in head
    assert b"/Type/Page/" in head
    assert b"/Type/Catalog" not in data  # nowhere else: a reader must inflate the bomb
    assert _zero_mib_blocks(raw) * h.MiB >= h.OBJSTM_BOMB_BYTES


@pytest.mark.parametrize(
    ("name", "marker", "filters"),
    [
        ("bomb-content-stream.pdf", b"/Filter/FlateDecode", 1),
        ("bomb-image-xobject.pdf", b"/Subtype/Image", 1),
        ("bomb-nested-filters.pdf", b"/Filter[/FlateDecode/FlateDecode]", 2),
    ],
)
def test_the_page_stream_bombs_inflate_past_1_gib_in_a_sound_pdf(hostile_corpus, name, marker, filters):
    item = hostile_corpus[name]
    with _open(item) as pdf:  # opening never decodes a page's streams
        assert len(pdf.pages) == 1
        assert pdf.get_warnings() == []
    _dictionary, raw = _raw_stream(item.path.read_bytes(), marker)
    if filters == 2:
        raw = zlib.decompress(raw)  # the outer layer: about 1 MB
        assert len(raw) < 2 * h.MiB
    assert _zero_mib_blocks(raw) * h.MiB >= h.CONTENT_BOMB_BYTES


def test_the_image_bomb_declares_a_gigapixel_image(hostile_corpus):
    dictionary, _raw = _raw_stream(hostile_corpus["bomb-image-xobject.pdf"].path.read_bytes(), b"/Subtype/Image")
    assert b"/Width %d/Height %d" % (h.IMAGE_SIDE, h.IMAGE_SIDE) in dictionary


def _object_stream_members(data: bytes) -> list[bytes]:
    members = []
    for match in re.finditer(rb"\d+ 0 obj\n<<(/Type/ObjStm.*?)>>\nstream\n", data, re.S):
        length = int(re.search(rb"/Length (\d+)", match.group(1)).group(1))
        members.append(zlib.decompress(data[match.end() : match.end() + length]))
    return members


def test_the_200000_page_file_has_200000_page_objects(hostile_corpus):
    item = hostile_corpus["pages-200000.pdf"]
    data = item.path.read_bytes()
    inflated = b"".join(_object_stream_members(data))
    assert inflated.count(b"<</Type/Page/Parent") == h.MANY_PAGES
    assert data.count(b"stream\nq Q\nendstream") == 1  # one content stream shared by all
    with _open_lazily(item) as pdf:  # the root's count, read lazily (no walk of the tree)
        assert int(pdf.Root.Pages.Count) == h.MANY_PAGES


def test_the_million_object_file_declares_a_million_objects(hostile_corpus):
    item = hostile_corpus["objects-1000000.pdf"]
    data = item.path.read_bytes()
    counts = [int(n) for n in re.findall(rb"/Type/ObjStm/N (\d+)", data)]
    assert sum(counts) == h.MANY_OBJECTS
    _dictionary, raw = _raw_stream(data, b"/Type/XRef")
    assert len(zlib.decompress(raw)) // 7 > h.MANY_OBJECTS


def test_the_recovery_file_has_400000_objects_and_no_usable_xref(hostile_corpus):
    item = hostile_corpus["recovery-400000-objects.pdf"]
    data = item.path.read_bytes()
    assert len(re.findall(rb"\n\d+ 0 obj", data)) >= h.RECOVERY_OBJECTS
    assert b"\nxref\n" not in data
    assert b"/Type/XRef" not in data
    with pytest.raises(pikepdf.PdfError):
        _open(item)


@pytest.mark.parametrize("name", ["truncated.pdf", "broken-xref-offsets.pdf"])
def test_the_damaged_files_open_only_by_recovery(hostile_corpus, name):
    item = hostile_corpus[name]
    with pytest.raises(pikepdf.PdfError):
        _open(item).pages[0]
    with pikepdf.open(item.path) as pdf:  # qpdf's recovery reads them, with warnings
        assert len(pdf.pages) >= 1
        assert any("damaged" in warning for warning in pdf.get_warnings())


def test_the_user_password_file_needs_its_password(hostile_corpus):
    item = hostile_corpus["encrypted-user-password.pdf"]
    with pytest.raises(pikepdf.PasswordError):
        _open(item)
    with _open(item, password="secret") as pdf:
        assert pdf.is_encrypted


def test_the_owner_password_file_opens_but_is_encrypted(hostile_corpus):
    with _open(hostile_corpus["encrypted-owner-password.pdf"]) as pdf:
        assert pdf.is_encrypted
        assert len(pdf.pages) == 1


def test_the_active_content_files_carry_their_actions(hostile_corpus):
    with _open(hostile_corpus["javascript-open-action.pdf"]) as pdf:
        assert pikepdf.Name.JavaScript == pdf.Root.OpenAction.S
    with _open(hostile_corpus["launch-action.pdf"]) as pdf:
        assert pikepdf.Name.Launch == pdf.Root.OpenAction.S
    with _open(hostile_corpus["javascript-names-tree.pdf"]) as pdf:
        assert pikepdf.Name.JavaScript == pdf.Root.Names.JavaScript.Names[1].S


def test_the_deep_page_tree_has_10000_levels(hostile_corpus):
    with _open_lazily(hostile_corpus["page-tree-deep.pdf"]) as pdf:
        node, levels = pdf.Root.Pages, 0
        while node.Type == pikepdf.Name.Pages:
            node, levels = node.Kids[0], levels + 1
        assert levels == h.DEEP_LEVELS
        assert node.Type == pikepdf.Name.Page


def test_the_cyclic_page_tree_loops_back_to_its_root(hostile_corpus):
    with _open_lazily(hostile_corpus["page-tree-cyclic.pdf"]) as pdf:
        root = pdf.Root.Pages
        assert root.Kids[1].Kids[0].objgen == root.objgen


def test_the_polyglot_starts_as_html_with_the_pdf_header_in_the_first_kilobyte(hostile_corpus):
    data = hostile_corpus["polyglot-html.pdf"].path.read_bytes()
    assert data.startswith(b"<!DOCTYPE html>")
    assert 0 < data.index(b"%PDF-") < 1024
    assert b"<script>" in data[: data.index(b"%PDF-")]


def test_the_zero_page_file_is_sound_with_no_page(hostile_corpus):
    with _open(hostile_corpus["zero-pages.pdf"]) as pdf:
        assert len(pdf.pages) == 0
        assert pdf.get_warnings() == []


@pytest.mark.parametrize(("name", "box"), [("mediabox-huge.pdf", [0, 0, 10**9, 10**9]), ("mediabox-zero.pdf", [0] * 4)])
def test_the_absurd_boxes_are_what_they_say(hostile_corpus, name, box):
    with _open(hostile_corpus[name]) as pdf:
        assert [int(v) for v in pdf.pages[0].mediabox] == box
        assert pdf.get_warnings() == []


def test_the_non_pdfs_are_not_pdfs(hostile_corpus):
    assert hostile_corpus["zero-bytes.pdf"].path.stat().st_size == 0
    assert hostile_corpus["image.png.pdf"].path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    archive = hostile_corpus["archive.zip.pdf"].path
    assert zipfile.is_zipfile(archive)
    assert b"%PDF" not in archive.read_bytes()[:1024]
    text = hostile_corpus["text.pdf"].path.read_bytes()
    assert b"%PDF" not in text
    text.decode("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "marker", "size"),
    [
        ("bomb-xref-stream.pdf", b"/Type/XRef", h.XREF_BOMB_BYTES),
        ("bomb-object-stream.pdf", b"/Type/ObjStm", h.OBJSTM_BOMB_BYTES),
        ("bomb-content-stream.pdf", b"/Filter/FlateDecode", h.CONTENT_BOMB_BYTES),
        ("bomb-image-xobject.pdf", b"/Subtype/Image", h.IMAGE_SIDE * h.IMAGE_SIDE),
        ("bomb-nested-filters.pdf", b"/Filter[/FlateDecode/FlateDecode]", h.CONTENT_BOMB_BYTES),
    ],
)
def test_each_bomb_really_inflates_to_its_size_through_zlib(hostile_corpus, name, marker, size):
    _dictionary, raw = _raw_stream(hostile_corpus[name].path.read_bytes(), marker)
    if b"/FlateDecode/FlateDecode" in marker:
        raw = zlib.decompress(raw)
    assert _inflated_size(raw, stop_after=size) >= size
