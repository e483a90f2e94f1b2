"""DESIGN §3: ``domain`` imports only the standard library, ``eventsourcing.domain`` and itself.

import-linter enforces the layer order; this test closes the gap it cannot express (an allow-list of
external modules, including sub-modules of eventsourcing).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import domain

ALLOWED_EXTERNAL = {"eventsourcing.domain", "eventsourcing.utils", "typing_extensions"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_domain_imports_only_stdlib_and_eventsourcing_domain() -> None:
    root = Path(domain.__file__).parent
    offenders: list[str] = []
    for path in sorted(root.rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "domain" or top in sys.stdlib_module_names or top == "__future__":
                continue
            if name in ALLOWED_EXTERNAL:
                continue
            offenders.append(f"{path.relative_to(root.parent)}: {name}")
    assert offenders == []
