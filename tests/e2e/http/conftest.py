"""Fixtures for the HTTP API tests: an app on a private SQLite file, and a small synthetic ward."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient
from http_support import FISCAL_YEAR, auth, make_client, new_key, upload


@pytest.fixture(autouse=True)
def _fresh_logging() -> Iterator[None]:
    """CLI tests bind structlog to CliRunner streams that are closed afterwards; log to the current ones."""
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        yield c


@pytest.fixture(scope="module")
def ward(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A tiny synthetic ward imported and levied through the API (shared by a module's tests)."""
    from tools.synthetic.generator import generate

    tmp = tmp_path_factory.mktemp("ward")
    manifest = generate(tmp / "files", taxpayers=12, seed=7, fiscal_year=FISCAL_YEAR)
    with make_client(tmp) as c:
        imports = []
        for entry in manifest["files"]:
            response = upload(c, tmp / "files" / entry["path"], entry["kind"])
            assert response.status_code == 200, response.text
            imports.append(response.json())
        levy = c.post(
            "/levy/runs",
            json={"fiscal_year": FISCAL_YEAR},
            headers=auth(purpose="initial_levy", key=new_key()),
        )
        assert levy.status_code == 200, levy.text
        yield {"client": c, "imports": imports, "levy": levy.json(), "manifest": manifest, "dir": tmp}
