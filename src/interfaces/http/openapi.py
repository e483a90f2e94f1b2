"""Generate the committed OpenAPI document: ``python -m interfaces.http.openapi [docs/openapi.json]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from interfaces.http.app import create_app
from interfaces.http.auth import StaticTokenAuthenticator

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def _never() -> Any:
    raise RuntimeError("the OpenAPI document needs no container")


def document() -> dict[str, Any]:
    spec: dict[str, Any] = create_app(_never, StaticTokenAuthenticator({})).openapi()
    return spec


def render() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEFAULT_PATH
    out.write_text(render(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
