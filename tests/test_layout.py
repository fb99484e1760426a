"""The layout the README draws ("How the code is laid out"), held by a test: which folder may
import which, and no module too long to read. Imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tsk"
MAX_LINES = 600

# The rules and values every layer may use: the errors, times, vocabularies, the field table and
# its value checks, the clocks, the calendar, the deadline policies, the settings and the
# roles' rights. They know no ledger and print nothing.
FOUNDATION = {"tsk", "tsk.chain", "tsk.messages", "tsk.errors", "tsk.timeutil", "tsk.vocab", "tsk.fields", "tsk.values", "tsk.clocks",
              "tsk.workdays", "tsk.sla", "tsk.settings", "tsk.rights"}
# Which layers each layer may import, besides itself and the foundation. Reading down the
# list: commands over everything; rendering and exchange over the core; the core over the
# store; the store over nothing but the foundation.
MAY_IMPORT = {
    "cli": {"render", "exchange", "core", "store"},
    "render": {"core", "store"},
    "exchange": {"render", "core", "store"},
    "core": {"store"},
    "store": set(),
    "foundation": set(),
}


def layer(module: str) -> str:
    if module in FOUNDATION or module.startswith("tsk.messages."):  # the messages' catalogue, a package
        return "foundation"
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    return "core"


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imported(module: str, path: Path) -> set[str]:
    """Every tsk module `module` imports, at the top or inside a function."""
    names = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            known = modules()
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                names.add(candidate if candidate in known else base)
    return {name for name in names if name == "tsk" or name.startswith("tsk.")}


ALL = modules()


@pytest.mark.parametrize("module", sorted(ALL))
def test_a_module_imports_only_the_layers_below_it(module):
    if module in ("tsk.__main__",):
        return
    own = layer(module)
    allowed = MAY_IMPORT[own] | {own, "foundation"}
    wrong = sorted(name for name in imported(module, ALL[module]) if layer(name) not in allowed)
    assert not wrong, f"{module} ({own}) imports {wrong}"


@pytest.mark.parametrize("module", sorted(ALL))
def test_no_module_is_longer_than_it_can_be_read(module):
    lines = len(ALL[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines"


def test_the_layers_are_folders():
    assert {layer(name) for name in ALL} == {"cli", "render", "exchange", "core", "store", "foundation"}
