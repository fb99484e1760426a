"""What the scripts that write a file from the code share: write it, or with --check leave it
and fail (exit 1, with a diff) when it differs from what the code gives now (the tests run
each script with --check)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path


def write_or_check(target: Path, text: str, script: str, argv: list[str]) -> int:
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    if "--check" not in argv:
        target.write_text(text, encoding="utf-8")
        return 0
    if current == text:
        return 0
    sys.stderr.writelines(difflib.unified_diff(current.splitlines(keepends=True), text.splitlines(keepends=True),
                                               f"{target.name} (as written)", f"{target.name} (as the code gives it)"))
    sys.stderr.write(f"{target.name} is stale: run python scripts/{script}\n")
    return 1
