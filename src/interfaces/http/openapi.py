"""Generate the committed OpenAPI document: ``python -m interfaces.http.openapi docs/openapi.json``.

The output path is always given (``scripts/openapi`` passes it): an installed package has no source tree
to write into (ADR 0017).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from interfaces.http.app import create_app
from interfaces.http.auth import StaticTokenAuthenticator


def _never() -> Any:
    raise RuntimeError("the OpenAPI document needs no container")


def document() -> dict[str, Any]:
    spec: dict[str, Any] = create_app(_never, StaticTokenAuthenticator({})).openapi()
    return spec


def render() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m interfaces.http.openapi OUT.json", file=sys.stderr)
        return 2
    out = Path(args[0])
    out.write_text(render(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
