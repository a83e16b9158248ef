"""The content check of the PDF intake. Pure Python and pikepdf: no Django, no other module of the portal.

It runs only in a child process (``python checks.py <path> --max-pages … --memory-limit …``, started by
``portal.pdf_intake.runner``) that limits its own address space and CPU before it opens the file; the
parent kills it after a wall-clock limit. The cheap bounds come first (the header, the trailer's
/Size, the root page tree's /Count), before anything is walked, so a verdict comes in seconds even
for a file of a million objects. The file is opened strictly (``attempt_recovery=False``): a file
that only a repair could read is damaged. Every verdict is one of the ``Problem`` codes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import sys

SIGNATURE = b"%PDF-"
SIGNATURE_WINDOW = 1024  # PDF readers accept the header anywhere in the first kilobyte.
DEFAULT_MAX_PAGES = 10_000
DEFAULT_MAX_OBJECTS = 500_000
# The PDF specification's page sizes: at most 14,400 units (5.08 m), at least 3 units.
MIN_PAGE_SIDE_PT = 3.0
MAX_PAGE_SIDE_PT = 14_400.0
MAX_TREE_DEPTH = 64
# Markup before the header or after the end: a file that is HTML (or SVG, XML) as well as a PDF.
POLYGLOT_MARKERS = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|\?xml)", re.IGNORECASE)
TAIL_BYTES = 64 * 1024
SIZE_IN_TRAILER = re.compile(rb"/Size\s+(\d{1,20})")
START_XREF = re.compile(rb"startxref\s+(\d{1,20})")
# How much of the cross-reference section ``startxref`` points at is read for its dictionary.
XREF_HEAD_BYTES = 4096
ACTIVE_ACTIONS = {"/JavaScript", "/Launch"}
ACTIVE_KEYS = {"/JS", "/JavaScript"}


class Problem:
    """Why a PDF is refused: one set of codes for every path that takes a PDF."""

    EMPTY = "empty"
    NOT_PDF = "not_pdf"
    TOO_LARGE = "too_large"
    ENCRYPTED = "encrypted"
    DAMAGED = "damaged"
    NO_PAGES = "no_pages"
    BAD_PAGE_SIZE = "bad_page_size"
    TOO_MANY_PAGES = "too_many_pages"
    TOO_COMPLEX = "too_complex"
    ACTIVE_CONTENT = "active_content"


class _Refused(Exception):
    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def has_pdf_signature(head: bytes) -> bool:
    return SIGNATURE in head[:SIGNATURE_WINDOW]


def _check_bytes(path: str, max_objects: int) -> None:
    """What the raw bytes tell before any parsing: empty, not a PDF, a polyglot, an absurd /Size."""
    size = os.path.getsize(path)
    if size == 0:
        raise _Refused(Problem.EMPTY)
    with open(path, "rb") as handle:
        head = handle.read(SIGNATURE_WINDOW)
        handle.seek(max(0, size - TAIL_BYTES))
        tail = handle.read(TAIL_BYTES)
    offset = head.find(SIGNATURE)
    if offset < 0:
        raise _Refused(Problem.NOT_PDF)
    end = tail.rfind(b"%%EOF")
    if POLYGLOT_MARKERS.search(head[:offset]) or (end >= 0 and POLYGLOT_MARKERS.search(tail[end:])):
        raise _Refused(Problem.DAMAGED)
    # The trailer (or the cross-reference stream's dictionary) declares how many objects there are.
    if any(int(found) > max_objects for found in SIZE_IN_TRAILER.findall(tail)):
        raise _Refused(Problem.TOO_COMPLEX)
    # A cross-reference *stream* keeps that dictionary where ``startxref`` points, before its data:
    # read it there, so a stream that would inflate to gigabytes is refused without inflating it.
    starts = START_XREF.findall(tail)
    if starts and int(starts[-1]) < size:
        with open(path, "rb") as handle:
            handle.seek(int(starts[-1]))
            section = handle.read(XREF_HEAD_BYTES)
        dictionary_end = section.find(b"stream")
        section = section[:dictionary_end] if dictionary_end >= 0 else section
        if any(int(found) > max_objects for found in SIZE_IN_TRAILER.findall(section)):
            raise _Refused(Problem.TOO_COMPLEX)


def _number(value) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(number)
    return number


def _good_box(box) -> bool:
    import pikepdf

    if not isinstance(box, pikepdf.Array) or len(box) != 4:
        return False
    try:
        x0, y0, x1, y1 = (_number(v) for v in box)
    except (TypeError, ValueError):
        return False
    width, height = abs(x1 - x0), abs(y1 - y0)
    return all(MIN_PAGE_SIDE_PT <= side <= MAX_PAGE_SIDE_PT for side in (width, height))


def _walk_pages(pdf, max_pages: int) -> int:
    """Count the leaves of the page tree without qpdf's own walk: bounded depth, no cycles, good boxes."""
    import pikepdf

    root = pdf.Root.get("/Pages")
    if not isinstance(root, pikepdf.Dictionary):
        raise _Refused(Problem.DAMAGED)
    declared = root.get("/Count")
    if isinstance(declared, int) and declared > max_pages:
        raise _Refused(Problem.TOO_MANY_PAGES)
    seen: set[tuple[int, int]] = set()
    stack = [(root, 0, root.get("/MediaBox"))]
    pages = 0
    while stack:
        node, depth, inherited = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise _Refused(Problem.TOO_COMPLEX)
        if node.is_indirect:
            key = node.objgen
            if key in seen:
                raise _Refused(Problem.TOO_COMPLEX)  # A page tree that loops back on itself.
            seen.add(key)
        box = node.get("/MediaBox", inherited)
        kids = node.get("/Kids")
        if node.get("/Type") == pikepdf.Name.Page or kids is None:
            pages += 1
            if pages > max_pages:
                raise _Refused(Problem.TOO_MANY_PAGES)
            if box is not None and not _good_box(box):
                raise _Refused(Problem.BAD_PAGE_SIZE)
            continue
        if not isinstance(kids, pikepdf.Array):
            raise _Refused(Problem.DAMAGED)
        if len(kids) > max_pages:
            raise _Refused(Problem.TOO_MANY_PAGES)
        for kid in reversed(list(kids)):
            if not isinstance(kid, pikepdf.Dictionary):
                raise _Refused(Problem.DAMAGED)
            stack.append((kid, depth + 1, box))
    return pages


def _is_active(dictionary) -> bool:
    import pikepdf

    keys = set(dictionary.keys())
    if keys & ACTIVE_KEYS:
        return True
    action = dictionary.get("/S")
    return isinstance(action, pikepdf.Name) and str(action) in ACTIVE_ACTIONS


def _find_active_content(pdf, budget: int) -> bool:
    """JavaScript or a launch action in any object of the file (streams' data is never decoded)."""
    import pikepdf

    pending = list(pdf.objects)
    pending.append(pdf.trailer)
    while pending:
        budget -= 1
        if budget < 0:
            raise _Refused(Problem.TOO_COMPLEX)
        obj = pending.pop()
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary):
            if _is_active(obj):
                return True
            children = obj.values()
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        # Indirect children are in ``pdf.objects`` already; direct ones are looked into here.
        pending.extend(child for child in children if isinstance(child, pikepdf.Object) and not child.is_indirect)
    return False


def _status_kb(field: str) -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _failure(error: Exception, memory_bytes: int) -> str:
    """A library error: damaged, unless the library ran out of the memory the child is allowed.

    The PDF library turns a failed allocation (a stream that inflates past the child's address-space
    cap) into an ordinary error: when the child's peak address space reached half its cap, the file
    was too big to check, not damaged.
    """
    text = str(error).lower()
    if "bad_alloc" in text or "out of memory" in text:
        return Problem.TOO_COMPLEX
    return Problem.TOO_COMPLEX if _memory_exhausted(memory_bytes) else Problem.DAMAGED


def _memory_exhausted(memory_bytes: int) -> bool:
    return bool(memory_bytes) and _status_kb("VmPeak") * 1024 >= memory_bytes // 2


def inspect(
    path: str, *, max_pages: int = DEFAULT_MAX_PAGES, max_objects: int = DEFAULT_MAX_OBJECTS, memory_bytes: int = 0
) -> dict:
    """The intake's verdict on one file: ``{"problem": code or None, "page_count": n or None}``."""
    import pikepdf

    try:
        _check_bytes(path, max_objects)
        try:
            pdf = pikepdf.open(path, attempt_recovery=False, inherit_page_attributes=False)
        except pikepdf.PasswordError:
            raise _Refused(Problem.ENCRYPTED) from None
        except (pikepdf.PdfError, ValueError, RuntimeError, OSError) as error:
            raise _Refused(_failure(error, memory_bytes)) from None
        with pdf:
            if pdf.is_encrypted:
                raise _Refused(Problem.ENCRYPTED)
            try:
                size = int(pdf.trailer.get("/Size", 0))
                if size > max_objects:
                    raise _Refused(Problem.TOO_COMPLEX)
                count = _walk_pages(pdf, max_pages)
                if count == 0:
                    raise _Refused(Problem.NO_PAGES)
                if _find_active_content(pdf, budget=8 * max_objects):
                    raise _Refused(Problem.ACTIVE_CONTENT)
            except (pikepdf.PdfError, ValueError, RuntimeError, TypeError, AttributeError) as error:
                raise _Refused(_failure(error, memory_bytes)) from None
            except RecursionError:
                raise _Refused(Problem.TOO_COMPLEX) from None
    except _Refused as refused:
        problem = refused.problem
        if problem == Problem.DAMAGED and _memory_exhausted(memory_bytes):
            problem = Problem.TOO_COMPLEX  # The library gave up on an object it had no memory left to read.
        return {"problem": problem, "page_count": None}
    return {"problem": None, "page_count": count}


# --- The child process --------------------------------------------------------------------------


def limit_self(memory_bytes: int, cpu_seconds: int) -> None:
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def peak_rss_kb() -> int:
    """This process's peak resident memory since it started the check's program.

    ``ru_maxrss`` would include the parent's peak from before ``exec`` (Linux keeps it), so read VmHWM.
    """
    return _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Judge a PDF for the intake and print the verdict as JSON.")
    parser.add_argument("path")
    parser.add_argument("--max-pages", type=int, default=DEFAULT_MAX_PAGES)
    parser.add_argument("--max-objects", type=int, default=DEFAULT_MAX_OBJECTS)
    parser.add_argument("--memory-limit", type=int, default=0, help="bytes of address space")
    parser.add_argument("--cpu-limit", type=int, default=0, help="seconds of CPU")
    args = parser.parse_args(argv)
    limit_self(args.memory_limit, args.cpu_limit)
    try:
        result = inspect(
            args.path, max_pages=args.max_pages, max_objects=args.max_objects, memory_bytes=args.memory_limit
        )
    except MemoryError:
        result = {"crash": "memory"}
    result["max_rss_kb"] = peak_rss_kb()
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
