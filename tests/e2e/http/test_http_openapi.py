"""The committed OpenAPI document is current (regenerate with scripts/openapi)."""

from __future__ import annotations

import json
from pathlib import Path

from interfaces.http.openapi import render

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def test_committed_openapi_document_is_current() -> None:
    committed = Path(DEFAULT_PATH).read_text(encoding="utf-8")
    assert committed == render(), "docs/openapi.json is stale: run scripts/openapi and commit the result"


def test_document_states_the_conventions() -> None:
    spec = json.loads(render())
    security = spec["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in security.values())
    post = spec["paths"]["/taxpayers"]["post"]
    headers = {p["name"] for p in post["parameters"] if p["in"] == "header"}
    assert {"Idempotency-Key", "X-Purpose"} <= headers
    change = spec["paths"]["/assessments/{address_number}/{fiscal_year}/reductions"]["post"]
    assert "If-Match" in {p["name"] for p in change["parameters"]}
    assert "application/problem+json" in post["responses"]["422"]["content"]
    assert "security" not in spec["paths"]["/health"]["get"]
    assert "multipart/form-data" in spec["paths"]["/jobs/imports"]["post"]["requestBody"]["content"]
