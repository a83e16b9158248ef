"""The preflight check itself: pure functions on generated PDFs, no database."""

from __future__ import annotations

import time

import pikepdf
import pytest

from files import preflight
from files.preflight import Expectation, Verdict
from files.reports import render_report
from tests.files.factories import MM, write_pdf


def codes(report, level=None):
    return [r["code"] for r in report["reasons"] if level is None or r["level"] == level]


def test_a_pdf_as_ordered_passes(tmp_path):
    path = write_pdf(tmp_path / "ok.pdf", pages=8)
    report = preflight.check(path, Expectation("interior", 8, 148, 210))
    assert report["verdict"] == Verdict.PASSED, report
    assert report["page_count"] == 8
    assert set(codes(report)) == {"readable", "not_encrypted", "pages_ok", "size_ok"}


def test_a_page_count_mismatch_fails_with_both_counts(tmp_path):
    path = write_pdf(tmp_path / "short.pdf", pages=6)
    report = preflight.check(path, Expectation("interior", 8, 148, 210))
    assert report["verdict"] == Verdict.FAILED
    [reason] = [r for r in report["reasons"] if r["code"] == "pages_mismatch"]
    assert reason["params"] == {"found": 6, "expected": 8}


def test_a_page_without_bleed_is_a_warning(tmp_path):
    path = write_pdf(tmp_path / "nobleed.pdf", pages=8, bleed_mm=0)
    report = preflight.check(path, Expectation("interior", 8, 148, 210))
    assert report["verdict"] == Verdict.WARNINGS
    assert codes(report, "warning") == ["no_bleed"]


def test_a_page_of_format_plus_bleed_without_trimbox_passes(tmp_path):
    path = write_pdf(tmp_path / "mediableed.pdf", pages=8, trimbox=False)
    assert preflight.check(path, Expectation("interior", 8, 148, 210))["verdict"] == Verdict.PASSED


def test_the_bleed_tolerance_is_three_millimetres(tmp_path):
    path = write_pdf(tmp_path / "a5.pdf", pages=8, bleed_mm=2)
    report = preflight.check(path, Expectation("interior", 8, 148, 210))
    assert "no_bleed" in codes(report, "warning")


def test_a_wrong_page_size_fails_and_names_the_pages(tmp_path):
    path = write_pdf(tmp_path / "a4.pdf", pages=8, width_mm=210, height_mm=297)
    report = preflight.check(path, Expectation("interior", 8, 148, 210))
    assert report["verdict"] == Verdict.FAILED
    [reason] = [r for r in report["reasons"] if r["code"] == "size_mismatch"]
    assert reason["params"]["pages"] == "1–8"
    assert (reason["params"]["width"], reason["params"]["height"]) == (210, 297)


def test_one_odd_page_is_named(tmp_path):
    path = tmp_path / "mixed.pdf"
    write_pdf(path, pages=8)
    pdf = pikepdf.open(path, allow_overwriting_input=True)
    pdf.pages[4].obj.TrimBox = pikepdf.Array([0, 0, 100 * MM, 100 * MM])
    pdf.save(path)
    report = preflight.check(str(path), Expectation("interior", 8, 148, 210))
    [reason] = [r for r in report["reasons"] if r["code"] == "size_mismatch"]
    assert reason["params"]["pages"] == "5"
    assert reason["params"]["count"] == 1


def test_a_landscape_page_is_a_turned_warning(tmp_path):
    path = write_pdf(tmp_path / "turned.pdf", pages=8, width_mm=210, height_mm=148)
    report = preflight.check(path, Expectation("interior", 8, 148, 210))
    assert codes(report, "warning") == ["turned"]


@pytest.mark.parametrize(
    ("pages", "verdict"), [(1, Verdict.PASSED), (2, Verdict.PASSED), (4, Verdict.PASSED), (3, "failed")]
)
def test_a_cover_has_1_2_or_4_pages(tmp_path, pages, verdict):
    path = write_pdf(tmp_path / "cover.pdf", pages=pages)
    assert preflight.check(path, Expectation("cover", 200, 148, 210))["verdict"] == verdict


def test_a_cover_spread_only_has_its_height_checked(tmp_path):
    path = write_pdf(tmp_path / "spread.pdf", pages=1, width_mm=148 * 2 + 12)
    report = preflight.check(path, Expectation("cover", 200, 148, 210))
    assert report["verdict"] == Verdict.WARNINGS
    assert codes(report, "warning") == ["spread"]


def test_cover_and_interior_expects_interior_plus_cover_pages(tmp_path):
    ok = write_pdf(tmp_path / "ci.pdf", pages=10)
    assert preflight.check(ok, Expectation("cover_interior", 8, 148, 210))["verdict"] == Verdict.PASSED
    wrong = write_pdf(tmp_path / "ci2.pdf", pages=11)
    assert "cover_interior_pages" in codes(preflight.check(wrong, Expectation("cover_interior", 8, 148, 210)), "error")


def test_an_invoice_is_only_checked_for_being_a_readable_pdf(tmp_path):
    path = write_pdf(tmp_path / "invoice.pdf", pages=3, width_mm=210, height_mm=297)
    assert preflight.check(path, Expectation("invoice", 8, 148, 210))["verdict"] == Verdict.PASSED


def test_no_format_to_compare_with_is_a_warning(tmp_path):
    path = write_pdf(tmp_path / "free.pdf", pages=8)
    assert codes(preflight.check(path, Expectation("interior", 8)), "warning") == ["no_format"]


def test_encrypted_and_unreadable_files_fail(tmp_path):
    encrypted = write_pdf(tmp_path / "enc.pdf", pages=2, encrypt=True)
    assert codes(preflight.check(encrypted, Expectation())) == ["encrypted"]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes((tmp_path / "enc.pdf").read_bytes()[:200])
    assert codes(preflight.check(str(broken), Expectation())) == ["unreadable"]
    text = tmp_path / "text.pdf"
    text.write_text("hello")
    assert codes(preflight.check(str(text), Expectation())) == ["not_pdf"]


def test_the_check_runs_in_a_child_process_with_limits(tmp_path):
    path = write_pdf(tmp_path / "ok.pdf", pages=8)
    result = preflight.run_limited(path, expectation=Expectation("interior", 8, 148, 210), timeout=30)
    assert result["verdict"] == Verdict.PASSED
    assert 0 < result["max_rss_kb"] < 64 * 1024


def test_a_check_that_never_ends_is_killed_and_ends_as_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(preflight, "CHECK_MODULE", "tests.files.spin")
    path = write_pdf(tmp_path / "ok.pdf", pages=1)
    started = time.monotonic()
    result = preflight.run_limited(path, timeout=1)
    assert time.monotonic() - started < 5
    report = preflight.result_as_report(result)
    assert report["verdict"] == Verdict.ERROR
    assert codes(report) == ["timeout"]


def test_reasons_render_in_the_readers_language(tmp_path, settings):
    from django.utils import translation

    path = write_pdf(tmp_path / "short.pdf", pages=6)
    report = preflight.check(path, Expectation("interior", 8, 148, 210))
    with translation.override("fr"):
        texts = [reason.text for reason in render_report(report)]
    assert "Le fichier compte 6 pages ; le produit en compte 8." in texts
    with translation.override("en"):
        texts = [reason.text for reason in render_report(report)]
    assert "The file has 6 pages; the product has 8." in texts


def test_page_ranges_are_short():
    assert preflight.page_ranges([1, 2, 3, 7, 9, 10]) == "1–3, 7, 9–10"
    assert preflight.page_ranges(list(range(1, 40, 2)), limit=3) == "1, 3, 5, …"
