"""Write tsk/messages/index.py, which says in which layer's module each message is, so that a
command loads only the layers whose messages it names (tests fail when the index is stale).

    python scripts/message_index.py          # rewrite the index
    python scripts/message_index.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from generated import write_or_check  # scripts/generated.py

PACKAGE = Path(__file__).resolve().parent.parent / "tsk" / "messages"
TARGET = PACKAGE / "index.py"
HEAD = '''"""Which layer's module of the catalogue holds each message (`tsk.messages`, which loads a
layer when one of its messages is first named): each layer's names, one text with a space on
either side of each (one string a layer loads faster than a table of ~440). Written by
scripts/message_index.py from the modules themselves; tests/test_messages.py fails when it is
stale."""

NAMES = {
'''
WIDTH = 100


def layers() -> dict[str, str]:
    """Every message (`NAME = M(...)` at the top of a layer's module) → its layer."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name in ("__init__.py", TARGET.name):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = path.stem
    return found


def render() -> str:
    by_layer: dict[str, list[str]] = {}
    for name, layer in sorted(layers().items()):
        by_layer.setdefault(layer, []).append(name)
    out = [HEAD]
    for layer, names in by_layer.items():
        out.append(f'    "{layer}": (\n')
        line = '        " '
        for name in names:
            if len(line) + len(name) + 2 > WIDTH:
                out.append(line + '"\n')
                line = '        "'
            line += name + " "
        out.append(line + '"\n    ),\n')
    return "".join(out) + "}\n"


if __name__ == "__main__":
    sys.exit(write_or_check(TARGET, render(), "message_index.py", sys.argv[1:]))
