"""Helpers for the console browser tests (importable as ``console_support``)."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from adapters.settings import Settings
from application.usecases import Principal
from application.usecases.collection import OpenLedgers
from application.usecases.intake import ImportFile
from application.usecases.levy import RunLevy
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from domain.staff.values import Role
from interfaces.bootstrap import Container, build

CHROMIUM = "/usr/bin/chromium"
FISCAL_YEAR = 2026
PASSWORD = "correct horse battery staple"
MASTER_KEY = base64.b64encode(b"\x07" * 32).decode()
#: docs/console.md's screenshots. The tests take every screenshot on each run, but write them into docs/ only
#: with ``JUMINZEI_UPDATE_SCREENSHOTS=1`` (so a test run leaves the checkout unchanged); otherwise into a
#: temporary directory.
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "console"
#: The bootstrapped first 所属長 (every role): sets the ward up and approves every grant of the tests.
SETUP = Principal(actor="sup-00", terminal="test", kind="staff")

_numbers = itertools.count(1)


@dataclass
class Ward:
    """A synthetic ward on SQLite, imported and levied; staff enrolled on demand."""

    c: Container
    manifest: dict[str, Any]
    #: Where the generated files are (the manifest's paths are relative to it).
    data_dir: Path
    secrets: dict[str, str] = field(default_factory=dict)

    @property
    def container_factory(self) -> Callable[[], Container]:
        return lambda: self.c

    def staff(self, *roles: Role, prefix: str = "clerk") -> str:
        """Enrol a new staff member with password, TOTP and ``roles`` (approved by the supervisor)."""
        staff_id = f"{prefix}-{next(_numbers):02d}"
        ctx = CommandContext(actor="hr-01", purpose=Purpose.OPERATIONS, command_id=f"enrol-{staff_id}")
        self.c.staff.enroll(
            staff_id=staff_id, name=f"職員{staff_id}", department="税務課", password=PASSWORD, ctx=ctx
        )
        uri = self.c.staff.enroll_second_factor(staff_id=staff_id, ctx=ctx)
        self.secrets[staff_id] = parse_qs(urlparse(uri).query)["secret"][0]
        now = datetime.now(UTC)
        for role in roles:
            by = CommandContext(
                actor="sup-00", purpose=Purpose.OPERATIONS, command_id=f"grant-{staff_id}-{role.name}"
            )
            self.c.staff.grant(staff_id=staff_id, role=role, ctx=by, now=now)
        return staff_id

    def totp(self, staff_id: str) -> str:
        import pyotp

        return str(pyotp.TOTP(self.secrets[staff_id]).now())

    def address_numbers(self) -> list[str]:
        with self.c.db.transaction() as cur:
            cur.execute("SELECT address_number FROM rm_taxpayer_search ORDER BY address_number")
            return [str(r[0]) for r in cur.fetchall()]

    def events_since(self, position: int) -> list[Any]:
        """Every event stored after notification ``position``, decoded."""
        mapper = self.c.app.mapper
        return [
            mapper.to_domain_event(n)
            for n in self.c.app.recorder.select_notifications(start=position + 1, limit=10_000)
        ]


def new_ward(tmp: Path, taxpayers: int = 12) -> Ward:
    from tools.synthetic.generator import generate

    settings = Settings(
        database_url=f"sqlite:///{tmp / 'console.db'}", master_key=MASTER_KEY, var_dir=tmp / "var"
    )
    c = build(settings, upgrade=True)
    c.staff.bootstrap(
        staff_id="sup-00", name="所属長", department="税務課", password=PASSWORD, terminal="test",
        now=datetime.now(UTC),
    )  # fmt: skip
    manifest = generate(tmp / "files", taxpayers=taxpayers, seed=7, fiscal_year=FISCAL_YEAR)
    for entry in manifest["files"]:
        c.use_cases.execute(ImportFile(entry["kind"], tmp / "files" / entry["path"]), SETUP)
    c.use_cases.execute(RunLevy(fiscal_year=FISCAL_YEAR), SETUP)
    c.use_cases.execute(OpenLedgers(fiscal_year=FISCAL_YEAR), SETUP)
    return Ward(c=c, manifest=manifest, data_dir=tmp / "files")


def sign_in(page: Any, ward: Ward, staff_id: str, purpose: str = "REGISTRY") -> None:
    """Sign in through the console's form (password + the current TOTP code + 利用目的)."""
    page.goto("/console/sign-in")
    page.get_by_label("職員ID").fill(staff_id)
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_label("ワンタイムパスワード（6桁）").fill(ward.totp(staff_id))
    page.locator("#purpose").select_option(purpose)
    page.locator("#sign-in").click()


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot ``name``.png (into docs/console with ``JUMINZEI_UPDATE_SCREENSHOTS=1``)."""
    import os
    import tempfile

    into = (
        SCREENSHOTS
        if os.environ.get("JUMINZEI_UPDATE_SCREENSHOTS") == "1"
        else Path(tempfile.gettempdir()) / "juminzei-console-screenshots"
    )
    into.mkdir(parents=True, exist_ok=True)
    path = into / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    return path
