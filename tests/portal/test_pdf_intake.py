"""The kernel's one PDF intake, alone: every Problem code from a small generated file, bombs and huge
files judged within 10 s in the limited child process while this process stays flat."""

from __future__ import annotations

import ast
import io
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import translation

from portal import pdf_intake
from portal.pdf_intake import IntakeResult, PdfUploadHandler, Problem, inspect_pdf, inspect_upload, problem_message
from tests.portal import pdf_builders as build
from tests.portal.memory import rss_bytes

ROOT = Path(__file__).resolve().parents[2]
JAVASCRIPT = b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"


def judge(tmp_path, data: bytes) -> IntakeResult:
    path = tmp_path / "file.pdf"
    path.write_bytes(data)
    return inspect_pdf(path)


def test_a_good_pdf_passes_with_its_page_count(tmp_path):
    assert judge(tmp_path, build.good_pdf(pages=3)) == IntakeResult(None, 3)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: b"", Problem.EMPTY),
        (lambda: b"Just text named .pdf\n" * 100, Problem.NOT_PDF),
        (lambda: build.encrypted_pdf(), Problem.ENCRYPTED),
        (lambda: build.encrypted_pdf(user=""), Problem.ENCRYPTED),
        (lambda: build.good_pdf(pages=3)[:400], Problem.DAMAGED),
        (lambda: build.broken_xref(), Problem.DAMAGED),
        (lambda: build.html_polyglot(), Problem.DAMAGED),
        (lambda: build.zero_page_pdf(), Problem.NO_PAGES),
        (lambda: build.one_page(page=b"/MediaBox [0 0 14401 842]"), Problem.BAD_PAGE_SIZE),
        (lambda: build.one_page(page=b"/MediaBox [0 0 0 842]"), Problem.BAD_PAGE_SIZE),
        (lambda: build.one_page(page=b"/MediaBox [0 0 2 2]"), Problem.BAD_PAGE_SIZE),
        (lambda: build.one_page(page=b"/MediaBox [0 0 595]"), Problem.BAD_PAGE_SIZE),
        (lambda: build.many_pages(10_001), Problem.TOO_MANY_PAGES),
        (lambda: build.lying_count(10_001), Problem.TOO_MANY_PAGES),
        (lambda: build.one_page(size=500_001), Problem.TOO_COMPLEX),
        (lambda: build.cyclic_page_tree(), Problem.TOO_COMPLEX),
        (lambda: build.deep_page_tree(), Problem.TOO_COMPLEX),
        (lambda: build.one_page(catalog=JAVASCRIPT), Problem.ACTIVE_CONTENT),
        (
            lambda: build.one_page(catalog=b"/Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (x) >>] >> >>"),
            Problem.ACTIVE_CONTENT,
        ),
        (
            lambda: build.one_page(page=b"/MediaBox [0 0 595 842] /AA << /O << /S /Launch /F (cmd.exe) >> >>"),
            Problem.ACTIVE_CONTENT,
        ),
    ],
    ids=[
        "zero-bytes",
        "text-renamed",
        "user-password",
        "owner-password",
        "truncated",
        "broken-xref",
        "html-polyglot",
        "zero-pages",
        "page-over-5-08-m",
        "page-of-zero-width",
        "page-under-3-units",
        "mediabox-of-three-numbers",
        "10001-pages",
        "page-tree-claiming-10001",
        "trailer-size-over-500000",
        "cyclic-page-tree",
        "page-tree-200-deep",
        "javascript-open-action",
        "javascript-name-tree",
        "launch-action",
    ],
)
def test_each_problem_from_a_small_file(tmp_path, make, problem):
    assert judge(tmp_path, make()).problem == problem


def test_ten_thousand_pages_are_still_accepted(tmp_path):
    assert judge(tmp_path, build.many_pages(10_000)) == IntakeResult(None, 10_000)


def test_the_page_limit_is_the_setting(tmp_path, settings):
    settings.PDF_MAX_PAGES = 2
    assert judge(tmp_path, build.good_pdf(pages=3)).problem == Problem.TOO_MANY_PAGES


@pytest.mark.parametrize(
    "make",
    [build.cached_xref_stream_bomb, build.cached_object_stream_bomb],
    ids=["xref-stream-inflating-to-1-gib", "object-stream-inflating-to-1-gib"],
)
def test_a_memory_bomb_is_refused_within_10_s_while_this_process_stays_flat(tmp_path, make):
    data = make()
    assert len(data) < 2 * 1024 * 1024
    path = tmp_path / "bomb.pdf"
    path.write_bytes(data)
    before = rss_bytes()
    started = time.monotonic()
    result = inspect_pdf(path)
    assert time.monotonic() - started < 10
    assert rss_bytes() - before < 64 * 1024 * 1024
    assert result.problem in {Problem.TOO_COMPLEX, Problem.DAMAGED}


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: build.many_pages(200_000), Problem.TOO_MANY_PAGES),
        (lambda: build.one_page(size=1_000_000), Problem.TOO_COMPLEX),
    ],
    ids=["200000-pages", "1000000-objects"],
)
def test_huge_files_get_their_verdict_from_the_cheap_bounds_within_10_s(tmp_path, make, problem):
    path = tmp_path / "huge.pdf"
    path.write_bytes(make())
    started = time.monotonic()
    assert inspect_pdf(path).problem == problem
    assert time.monotonic() - started < 10


def test_a_check_that_overruns_its_time_is_too_complex(tmp_path, monkeypatch):
    monkeypatch.setattr(
        pdf_intake.runner, "intake_command", lambda: pdf_intake.runner.module_command("tests.files.spin")
    )
    path = tmp_path / "ok.pdf"
    path.write_bytes(build.good_pdf())
    started = time.monotonic()
    assert inspect_pdf(path, timeout=1).problem == Problem.TOO_COMPLEX
    assert time.monotonic() - started < 5


def test_an_upload_in_memory_is_judged_the_same_way():
    assert inspect_upload(SimpleUploadedFile("a.pdf", build.good_pdf(pages=2))) == IntakeResult(None, 2)
    javascript = SimpleUploadedFile("a.pdf", build.one_page(catalog=JAVASCRIPT))
    assert inspect_upload(javascript).problem == Problem.ACTIVE_CONTENT
    assert inspect_upload(SimpleUploadedFile("a.pdf", b"")).problem == Problem.EMPTY


def _parse(data: bytes, handler: PdfUploadHandler):
    stream = io.BytesIO(data)
    stream.name = "a.pdf"
    body = encode_multipart(BOUNDARY, {"file": stream})
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    return MultiPartParser(meta, io.BytesIO(body), [handler, TemporaryFileUploadHandler()]).parse()


def test_the_handler_calls_zero_bytes_empty():
    handler = PdfUploadHandler(max_bytes=1000)
    _parse(b"", handler)
    assert handler.problem == Problem.EMPTY


def test_the_handler_finds_the_signature_anywhere_in_the_first_kilobyte_and_caps_the_size():
    handler = PdfUploadHandler(max_bytes=10**6)
    _, files = _parse(b" " * 1000 + build.good_pdf(), handler)
    assert handler.problem is None and files["file"].temporary_file_path()
    late = PdfUploadHandler(max_bytes=10**6)
    _parse(b" " * 1100 + build.good_pdf(), late)
    assert late.problem == Problem.NOT_PDF
    small = PdfUploadHandler(max_bytes=100)
    _, files = _parse(build.good_pdf(), small)
    assert small.problem == Problem.TOO_LARGE and "file" not in files


def test_every_problem_has_its_message_in_both_languages():
    codes = [value for name, value in vars(Problem).items() if name.isupper()]
    assert len(codes) == 10
    for language in ("en", "fr"):
        with translation.override(language):
            messages = [problem_message(code, max=1024) for code in codes]
        assert len(set(messages)) == len(codes), language
    with translation.override("en"):
        assert problem_message(Problem.BAD_PAGE_SIZE).startswith("The page size of this PDF is invalid.")
        assert "too complex to be checked" in problem_message(Problem.TOO_COMPLEX)
        assert (
            problem_message(Problem.TOO_MANY_PAGES) == "This PDF has more than 10,000 pages, the most a file may have."
        )
    with translation.override("fr"):
        assert problem_message(Problem.EMPTY) == "Ce fichier est vide."


def test_the_intake_belongs_to_the_kernel_and_imports_no_feature_app():
    features = {"contacts", "files", "library", "orders", "quotes", "submissions", "subscriptions"}
    for source in (ROOT / "portal" / "pdf_intake").glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not {name.split(".")[0] for name in names} & features, source.name


def test_a_cross_reference_stream_declaring_too_many_objects_is_refused_from_its_bytes_alone(tmp_path, hostile_corpus):
    """The dictionary ``startxref`` points at declares the object count: the bomb's stream is never
    inflated, so the verdict does not depend on how long a busy machine takes to hit the memory cap."""
    from portal.pdf_intake import checks

    path = hostile_corpus["bomb-xref-stream.pdf"].path  # its /Size counts the entries it inflates to
    with pytest.raises(checks._Refused) as refused:
        checks._check_bytes(str(path), max_objects=checks.DEFAULT_MAX_OBJECTS)
    assert refused.value.problem == Problem.TOO_COMPLEX
    ordinary = tmp_path / "ordinary.pdf"
    ordinary.write_bytes(build.good_pdf(pages=2))
    checks._check_bytes(str(ordinary), max_objects=checks.DEFAULT_MAX_OBJECTS)
