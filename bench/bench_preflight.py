#!/usr/bin/env python
"""The preflight check against ``sha256sum`` of the same file, and its peak memory.

    .venv/bin/python bench/bench_preflight.py [--runs 3] [--keep DIR]

Generates a 500-page ~50 MB interior and a 2,000-page ~200 MB one (A5, 3 mm bleed, a page of
random image data each), then times, side by side in one run, the real check as the worker runs it
(a child process with its limits: ``files.preflight.run_limited``) and ``sha256sum``; prints the
median of ``--runs``. Requirement (issue 3): the check takes no longer than sha256sum, its peak
memory stays under 64 MB and does not grow with the file. Exit status 1 when it is not met.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_pdf import write_interior  # noqa: E402
from files import preflight  # noqa: E402

PEAK_LIMIT_MB = 64
# Peak memory "does not grow with the file": 4× the pages may cost at most this much more.
GROWTH_LIMIT_MB = 8


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="write the PDFs here and keep them")
    args = parser.parse_args()
    if not shutil.which("sha256sum"):
        print("sha256sum is not installed")
        return 1
    folder = Path(args.keep or tempfile.mkdtemp(prefix="colophon-bench-preflight-"))
    folder.mkdir(parents=True, exist_ok=True)
    cases = [("500 pages", 500), ("2,000 pages", 2000)]
    rows = []
    try:
        for label, pages in cases:
            path = folder / f"interior-{pages}.pdf"
            if not path.exists():
                seconds, _ = timed(
                    lambda path=path, pages=pages: write_interior(str(path), pages=pages, bytes_per_page=100_000)
                )
                print(f"generated {label}: {path.stat().st_size / 1e6:.1f} MB in {seconds:.1f} s", flush=True)
            expectation = preflight.Expectation("interior", pages, 148, 210)
            check_times, sha_times, peaks = [], [], []
            for _ in range(args.runs + 1):  # The first round warms the page cache for both.
                seconds, result = timed(lambda path=path, e=expectation: preflight.run_limited(path, expectation=e))
                if result.get("verdict") != preflight.Verdict.PASSED:
                    print(f"unexpected check result for {label}: {result}")
                    return 1
                check_times.append(seconds)
                peaks.append(result["max_rss_kb"] / 1024)
                seconds, _ = timed(
                    lambda path=path: subprocess.run(["sha256sum", str(path)], check=True, capture_output=True)
                )
                sha_times.append(seconds)
            rows.append(
                {
                    "label": label,
                    "size_mb": path.stat().st_size / 1e6,
                    "check": statistics.median(check_times[1:]),
                    "sha": statistics.median(sha_times[1:]),
                    "peak": max(peaks),
                }
            )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    print()
    print(f"{'file':<12} {'size':>9} {'check':>9} {'sha256sum':>10} {'ratio':>6} {'peak memory':>12}")
    for row in rows:
        print(
            f"{row['label']:<12} {row['size_mb']:>6.1f} MB {row['check']:>7.3f} s {row['sha']:>8.3f} s "
            f"{row['check'] / row['sha']:>6.2f} {row['peak']:>9.1f} MB"
        )
    print(
        "(check = the child process the worker runs, interpreter start included; median of "
        f"{args.runs} warm runs; peak = the child's VmHWM)"
    )
    faster = all(row["check"] <= row["sha"] for row in rows)
    small = all(row["peak"] < PEAK_LIMIT_MB for row in rows)
    flat = rows[-1]["peak"] - rows[0]["peak"] < GROWTH_LIMIT_MB
    print()
    print(f"check ≤ sha256sum:                 {'yes' if faster else 'NO'}")
    print(f"peak memory < {PEAK_LIMIT_MB} MB:              {'yes' if small else 'NO'}")
    print(
        f"peak not growing with file (<{GROWTH_LIMIT_MB} MB): {'yes' if flat else 'NO'} "
        f"({rows[0]['peak']:.1f} → {rows[-1]['peak']:.1f} MB)"
    )
    return 0 if faster and small and flat else 1


if __name__ == "__main__":
    sys.exit(main())
