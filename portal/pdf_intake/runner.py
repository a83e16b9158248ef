"""Running a PDF check in a child process with limits; the parent side (no Django, no pikepdf here).

The child limits its own address space (RLIMIT_AS) and CPU (RLIMIT_CPU) before it opens the file and
prints its result as JSON; the parent kills it after a wall-clock limit. A hostile PDF therefore
ends with a verdict, never with a stuck worker or a web process that swells: the file is parsed only
in the child, whatever memory it needs is refused to the child alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
# The intake's child runs as a script, so it imports neither Django nor the portal's package.
CHECKS_SCRIPT = Path(__file__).resolve().parent / "checks.py"


def module_command(module: str) -> list[str]:
    """The interpreter running ``module`` (``python -m``), e.g. ``files.preflight`` for the full preflight."""
    return [sys.executable, "-m", module]


def intake_command() -> list[str]:
    return [sys.executable, str(CHECKS_SCRIPT)]


def run_child(command: list[str], *, timeout: float, memory_bytes: int) -> dict:
    """Run ``command`` (a child that understands ``--memory-limit`` and ``--cpu-limit``) and read its JSON.

    Returns the child's result, or ``{"crash": "timeout" | "memory" | "crashed"}``.
    """
    command = [*command, "--memory-limit", str(memory_bytes), "--cpu-limit", str(max(1, int(timeout + 0.999)))]
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(PROJECT_ROOT)}
    try:
        completed = subprocess.run(  # noqa: S603 - our own interpreter and program, no shell
            command, capture_output=True, timeout=timeout, cwd=PROJECT_ROOT, env=environment, check=False
        )
    except subprocess.TimeoutExpired:
        return {"crash": "timeout"}
    try:
        result = json.loads(completed.stdout)
    except ValueError:
        # Killed by its CPU limit (SIGXCPU), its memory limit or a crash in the PDF library.
        return {"crash": "timeout" if completed.returncode in (-24, -9) else "crashed"}
    return result if isinstance(result, dict) else {"crash": "crashed"}
