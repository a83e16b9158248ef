"""Preflight of a print PDF: structure, not pixels. Pure Python and pikepdf (MPL), no Django.

The checks run in a child process (``python -m files.preflight``) that limits its own memory and
CPU before it opens the file, and the parent kills it after a wall-clock limit: a hostile PDF ends
with a verdict, never with a stuck worker. The child machinery is the kernel's PDF intake
(``portal.pdf_intake``), which also judged the file before it was stored. Reasons are codes with
parameters, so the portal renders them in the reader's language (``files/reports.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass

from portal.pdf_intake.checks import SIGNATURE_WINDOW, Problem, has_pdf_signature, limit_self, peak_rss_kb
from portal.pdf_intake.runner import module_command, run_child

PT_TO_MM = 25.4 / 72
BLEED_MM = 3.0
# Rounding in design software: a page 0.4 mm off is still the format ordered.
TOLERANCE_MM = 1.0
COVER_PAGE_COUNTS = (1, 2, 4)

# What the parent runs as the child: a module executed with ``python -m``. Tests point it elsewhere.
CHECK_MODULE = "files.preflight"


class Verdict:
    PASSED = "passed"
    WARNINGS = "warnings"
    FAILED = "failed"
    ERROR = "error"


@dataclass(frozen=True)
class Expectation:
    """What the product ordered: the file's kind, the page count and the trimmed page size in mm."""

    kind: str = "interior"
    page_count: int | None = None
    width_mm: float | None = None
    height_mm: float | None = None


def read_head(path: str | os.PathLike) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(SIGNATURE_WINDOW)


# --- The checks (run inside the child) ----------------------------------------------------------


def _open(path: str):
    """Open strictly: a file that needs repairing is damaged. Returns (pdf, problem)."""
    import pikepdf

    if not has_pdf_signature(read_head(path)):
        return None, Problem.NOT_PDF
    try:
        pdf = pikepdf.open(path, attempt_recovery=False)
    except pikepdf.PasswordError:
        return None, Problem.ENCRYPTED
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return None, Problem.DAMAGED
    if pdf.is_encrypted:
        pdf.close()
        return None, Problem.ENCRYPTED
    return pdf, None


def _reason(level: str, code: str, **params) -> dict:
    return {"level": level, "code": code, "params": params}


def _box_mm(box) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return abs(x1 - x0) * PT_TO_MM, abs(y1 - y0) * PT_TO_MM


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE_MM


def page_ranges(numbers: list[int], limit: int = 8) -> str:
    """[1, 2, 3, 7, 9, 10] → "1–3, 7, 9–10" (the first ``limit`` runs, then "…")."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs[:limit])
    return text + (", …" if len(runs) > limit else "")


def _classify_page(page, width: float, height: float, *, cover: bool) -> str:
    """One page against the trimmed format: ok, no_bleed, turned, spread or wrong."""
    rotate = int(page.obj.get("/Rotate", 0) or 0) % 180
    media_w, media_h = _box_mm(page.mediabox)
    trim_w, trim_h = _box_mm(page.trimbox)
    bleed_w, bleed_h = _box_mm(page.bleedbox)
    if rotate:
        media_w, media_h, trim_w, trim_h, bleed_w, bleed_h = media_h, media_w, trim_h, trim_w, bleed_h, bleed_w
    has_trim = "/TrimBox" in page.obj or "/ArtBox" in page.obj
    outer_w, outer_h = max(media_w, bleed_w), max(media_h, bleed_h)

    def with_bleed(w: float, h: float) -> bool:
        return w >= width + 2 * BLEED_MM - TOLERANCE_MM and h >= height + 2 * BLEED_MM - TOLERANCE_MM

    if _close(trim_w, width) and _close(trim_h, height):
        return "ok" if with_bleed(outer_w, outer_h) else "no_bleed"
    if not has_trim and _close(media_w, width + 2 * BLEED_MM) and _close(media_h, height + 2 * BLEED_MM):
        return "ok"  # The page is the format plus its bleed, without a TrimBox.
    if (_close(trim_w, height) and _close(trim_h, width)) or (
        _close(media_w, height + 2 * BLEED_MM) and _close(media_h, width + 2 * BLEED_MM)
    ):
        return "turned"
    if cover and (_close(trim_h, height) or _close(media_h, height + 2 * BLEED_MM)) and trim_w > width:
        return "spread"  # Back, spine and front on one page: only the height can be checked.
    return "wrong"


def _check_pages(pdf, expectation: Expectation, reasons: list[dict]) -> int:
    count = len(pdf.pages)
    expected = expectation.page_count
    kind = expectation.kind
    if kind == "cover":
        if count in COVER_PAGE_COUNTS:
            reasons.append(_reason("ok", "cover_pages_ok", found=count))
        else:
            reasons.append(_reason("error", "cover_pages", found=count))
    elif kind == "interior" and expected:
        if count == expected:
            reasons.append(_reason("ok", "pages_ok", found=count))
        else:
            reasons.append(_reason("error", "pages_mismatch", found=count, expected=expected))
    elif kind == "cover_interior" and expected:
        if count - expected in COVER_PAGE_COUNTS:
            reasons.append(_reason("ok", "cover_interior_pages_ok", found=count, expected=expected))
        else:
            reasons.append(_reason("error", "cover_interior_pages", found=count, expected=expected))
    return count


def _check_sizes(pdf, expectation: Expectation, reasons: list[dict]) -> None:
    width, height = expectation.width_mm, expectation.height_mm
    if not (width and height):
        reasons.append(_reason("warning", "no_format"))
        return
    by_class: dict[str, list[int]] = {}
    wrong_sizes: dict[tuple[int, int], list[int]] = {}
    cover_pages = set()
    if expectation.kind == "cover":
        cover_pages = set(range(1, len(pdf.pages) + 1))
    elif expectation.kind == "cover_interior":
        extra = len(pdf.pages) - (expectation.page_count or len(pdf.pages))
        cover_pages = {1, len(pdf.pages)} if extra > 0 else set()
    for number, page in enumerate(pdf.pages, start=1):
        verdict = _classify_page(page, width, height, cover=number in cover_pages)
        by_class.setdefault(verdict, []).append(number)
        if verdict == "wrong":
            w, h = _box_mm(page.trimbox)
            wrong_sizes.setdefault((round(w), round(h)), []).append(number)
    size = {"expected_width": round(width), "expected_height": round(height)}
    for (w, h), numbers in list(wrong_sizes.items())[:5]:
        reasons.append(
            _reason("error", "size_mismatch", pages=page_ranges(numbers), count=len(numbers), width=w, height=h, **size)
        )
    for code in ("turned", "spread", "no_bleed"):
        if code in by_class:
            numbers = by_class[code]
            reasons.append(_reason("warning", code, pages=page_ranges(numbers), count=len(numbers), **size))
    if set(by_class) == {"ok"}:
        reasons.append(_reason("ok", "size_ok", bleed=round(BLEED_MM), **size))


def check(path: str, expectation: Expectation) -> dict:
    """The full preflight of one file. Returns ``{"verdict", "page_count", "reasons"}``."""
    pdf, problem = _open(path)
    if problem:
        code = {Problem.NOT_PDF: "not_pdf", Problem.ENCRYPTED: "encrypted"}.get(problem, "unreadable")
        return {"verdict": Verdict.FAILED, "page_count": None, "reasons": [_reason("error", code)]}
    reasons: list[dict] = [_reason("ok", "readable"), _reason("ok", "not_encrypted")]
    try:
        count = _check_pages(pdf, expectation, reasons)
        if count == 0:
            reasons.append(_reason("error", "no_pages"))
        elif expectation.kind in {"cover", "interior", "cover_interior"}:
            _check_sizes(pdf, expectation, reasons)
    except Exception:
        return {"verdict": Verdict.FAILED, "page_count": None, "reasons": [_reason("error", "unreadable")]}
    finally:
        pdf.close()
    levels = {reason["level"] for reason in reasons}
    verdict = Verdict.FAILED if "error" in levels else Verdict.WARNINGS if "warning" in levels else Verdict.PASSED
    return {"verdict": verdict, "page_count": count, "reasons": reasons}


# --- The child process and its parent -----------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Preflight a print PDF and print the report as JSON.")
    parser.add_argument("path")
    parser.add_argument("--kind", default="interior")
    parser.add_argument("--pages", type=int)
    parser.add_argument("--width", type=float)
    parser.add_argument("--height", type=float)
    parser.add_argument("--memory-limit", type=int, default=0, help="bytes of address space")
    parser.add_argument("--cpu-limit", type=int, default=0, help="seconds of CPU")
    args = parser.parse_args(argv)
    limit_self(args.memory_limit, args.cpu_limit)
    try:
        result = check(args.path, Expectation(args.kind, args.pages, args.width, args.height))
    except MemoryError:
        result = {"crash": "memory"}
    result["max_rss_kb"] = peak_rss_kb()
    sys.stdout.write(json.dumps(result))
    return 0


def run_limited(
    path: str | os.PathLike,
    *,
    expectation: Expectation | None = None,
    timeout: float = 60,
    memory_bytes: int = 512 * 1024 * 1024,
) -> dict:
    """Run ``check`` in a child process; a child that overruns or dies gives a result too.

    Returns the child's result, or ``{"crash": "timeout" | "crashed"}``.
    """
    expectation = expectation or Expectation()
    command = [*module_command(CHECK_MODULE), os.path.abspath(path), "--kind", expectation.kind]
    for flag, value in (("--pages", expectation.page_count), ("--width", expectation.width_mm)):
        if value:
            command += [flag, str(value)]
    if expectation.height_mm:
        command += ["--height", str(expectation.height_mm)]
    return run_child(command, timeout=timeout, memory_bytes=memory_bytes)


def result_as_report(result: dict) -> dict:
    """A child's result as the stored report, including the verdicts of a child that never answered."""
    if "crash" in result:
        code = "timeout" if result["crash"] == "timeout" else "crashed"
        return {"verdict": Verdict.ERROR, "page_count": None, "reasons": [_reason("error", code)]}
    return {key: result[key] for key in ("verdict", "page_count", "reasons")}


if __name__ == "__main__":
    sys.exit(main())
