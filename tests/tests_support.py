"""Helpers shared by tests (importable as ``tests_support``)."""

from __future__ import annotations

from typing import Any


def reset_postgres(url: str) -> None:
    """Drop every table in the public schema of a throw-away test database."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            conn.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')


# -- signed-in CLI staff (issue 14: the CLI authenticates like the HTTP API; no side door) -------------

PASSWORD = "correct horse battery staple"

#: The roles ``staff bootstrap`` gives the first 所属長 (``application.staff.BOOTSTRAP_ROLES``).
ALL_ROLES = ("所属長", "課税", "収納", "窓口", "運用", "個人番号利用事務実施者")


def totp_secret(uri: str) -> str:
    """The base32 secret of an ``otpauth://`` enrolment URI."""
    from urllib.parse import parse_qs, urlparse

    return parse_qs(urlparse(uri).query)["secret"][0]


def totp_code(secret: str, *, ahead: int = 0) -> str:
    """The TOTP code now (``ahead`` steps later: a code not yet used, for a second sign-in in one window)."""
    from datetime import UTC, datetime, timedelta

    from adapters.auth.totp import PyotpTotp

    totp = PyotpTotp()
    return totp.code_at(secret, datetime.now(UTC) + timedelta(seconds=ahead * totp.interval))


class CliStaff:
    """Signs staff in through the real CLI (``staff bootstrap``/``enroll``/``grant``/``sign-in``) into one
    session file; ``__call__`` returns the CLI environment acting as that member by default."""

    def __init__(self, env: dict[str, str], session_file: str) -> None:
        from typer.testing import CliRunner

        self.env = dict(env) | {"JUMINZEI_SESSION_FILE": session_file}
        self.session_file = session_file
        self.runner = CliRunner()
        self.secrets: dict[str, str] = {}
        self.supervisor: str | None = None
        self.upgraded = False

    def cli(self, *args: str, input: str | None = None) -> object:
        from interfaces.cli.main import app

        result = self.runner.invoke(app, list(args), input=input, env=self.env, catch_exceptions=False)
        assert result.exit_code == 0, f"{args}: {result.output}"
        return result

    def _upgrade(self) -> None:
        if not self.upgraded:
            self.cli("db", "upgrade")
            self.upgraded = True

    def bootstrap(self, staff_id: str) -> str:
        import json

        self._upgrade()
        out = self.cli(
            "staff", "bootstrap", "--staff-id", staff_id, "--name", f"職員{staff_id}", "--password-stdin",
            "--json", input=f"{PASSWORD}\n",
        )  # fmt: skip
        self.secrets[staff_id] = totp_secret(json.loads(out.stdout)["totp_uri"])  # type: ignore[attr-defined]
        self.supervisor = staff_id
        self.sign_in(staff_id)
        return self.secrets[staff_id]

    def sign_in(self, staff_id: str, *, ahead: int = 0) -> None:
        self.cli(
            "staff", "sign-in", "--staff-id", staff_id, "--password-stdin",
            "--totp", totp_code(self.secrets[staff_id], ahead=ahead), input=f"{PASSWORD}\n",
        )  # fmt: skip

    def enroll(self, staff_id: str, *roles: str, department: str = "税務課") -> str:
        """Enrol ``staff_id`` (by the fixture's 所属長) with ``roles`` granted, and sign them in."""
        import json

        if self.supervisor is None:
            self.bootstrap("sup-fixture")
        sup = self.supervisor
        assert sup is not None
        self.cli(
            "staff", "enroll", "--staff-id", staff_id, "--name", f"職員{staff_id}", "--department", department,
            "--as", sup, input=f"{PASSWORD}\n{PASSWORD}\n",
        )  # fmt: skip
        out = self.cli("staff", "enroll-2fa", "--staff-id", staff_id, "--as", sup, "--json")
        self.secrets[staff_id] = totp_secret(json.loads(out.stdout)["provisioning_uri"])  # type: ignore[attr-defined]
        if roles:
            self.cli(
                "staff",
                "grant",
                "--staff-id",
                staff_id,
                *(a for r in roles for a in ("--role", r)),
                "--as",
                sup,
            )
        self.sign_in(staff_id)
        return self.secrets[staff_id]

    def __call__(self, staff_id: str = "clerk01", *roles: str) -> dict[str, str]:
        from pathlib import Path

        from interfaces.cli import session

        if staff_id not in self.secrets:
            wanted = set(roles or ALL_ROLES)
            if self.supervisor is None and wanted == set(ALL_ROLES):
                self.bootstrap(staff_id)
            else:
                self.enroll(staff_id, *(roles or ALL_ROLES))
        stored = session.find(Path(self.session_file), staff_id)
        assert stored is not None
        session.save(Path(self.session_file), stored)  # make it this terminal's current session
        return dict(self.env)


def staff_principal(c: object, staff_id: str = "k-01", terminal: str = "test") -> object:
    """A bus principal for a container-level test: ``staff_id`` enrolled through ``staff bootstrap``'s
    service (the first 所属長 with every role) unless already enrolled; the policy checks its grants."""
    from datetime import UTC, datetime

    from application.usecases import Principal
    from domain.shared.events import DomainError

    staff = c.staff  # type: ignore[attr-defined]
    try:
        staff.get(staff_id)
    except DomainError:
        staff.bootstrap(
            staff_id=staff_id, name=f"職員{staff_id}", department="税務課", password=PASSWORD,
            terminal=terminal, now=datetime.now(UTC),
        )  # fmt: skip
    return Principal(actor=staff_id, terminal=terminal, kind="staff")


def enrol_staff(c: object, staff_id: str, *roles: str, department: str = "税務課") -> str:
    """Enrol ``staff_id`` through the real ``StaffService`` (idempotent) and grant ``roles`` (Japanese values
    or English names): on an empty store the first one is bootstrapped (the first 所属長, every role);
    later ones are enrolled and granted by that 所属長. For tests whose HTTP development tokens name staff:
    the policy decides those requests on exactly these grants (ADR 0023)."""
    import uuid
    from datetime import UTC, datetime

    from domain.shared.events import CommandContext, DomainError
    from domain.shared.purpose import Purpose
    from domain.staff.values import Role

    staff = c.staff  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    try:
        staff.get(staff_id)
        return staff_id
    except DomainError:
        pass
    existing = list(staff.staff_ids())
    if not existing:
        staff.bootstrap(
            staff_id=staff_id, name=f"職員{staff_id}", department=department, password=PASSWORD,
            terminal="test", now=now,
        )  # fmt: skip
        return staff_id
    supervisor = next(m.staff_id for m in staff.members() if any(g.bootstrap for g in m.grants))
    ctx = CommandContext(
        actor=supervisor, purpose=Purpose.OPERATIONS, command_id=f"test:{uuid.uuid4()}", terminal="test"
    )
    staff.enroll(staff_id=staff_id, name=f"職員{staff_id}", department=department, password=PASSWORD, ctx=ctx)
    for role in roles:
        staff.grant(staff_id=staff_id, role=Role.parse(role), ctx=ctx, now=now)
    return staff_id


def decode_qr_codes(pdf: bytes, *, dpi: int = 150) -> list[list[str]]:
    """The QR payloads on each page of a PDF, read the way a scanner would: the pages rasterised with
    ``pdftoppm`` (poppler-utils) and decoded with ``zbarimg`` (zbar-tools). One list per page."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing (apt-get install poppler-utils zbar-tools; .ci/run does)")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(source), str(Path(tmp) / "page")],
            check=True,
            timeout=120,
        )
        pages = []
        for image in sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
            # zbarimg exits 4 when a page has no symbol at all; that is an empty page here, not an error.
            result = subprocess.run(
                ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if result.returncode not in (0, 4):
                raise RuntimeError(f"zbarimg failed on {image.name}: {result.returncode}")
            pages.append([line for line in result.stdout.splitlines() if line])
        return pages


def write_corrected_salary_report(
    c: Any, ward_dir: Any, target: Any, path: Any, raise_by: int = 1_200_000
) -> None:
    """A 訂正 給与支払報告書 (eLTAX 315) for the filing behind ``target`` (an assessment based on one), with the
    支払金額 raised by ``raise_by``, written to ``path`` — importing it and running 一括更正 gives a 更正."""
    import dataclasses
    from uuid import UUID

    from adapters.formats import eltax_salary
    from domain.intake import ParsedRecord, SubmissionKind

    outcome = eltax_salary.parse(ward_dir / "eltax_salary_315.csv")
    filing = c.app.repository.get(UUID(target.source_filing_ids[0]))
    original = next(i.record for i in outcome.items if isinstance(i, ParsedRecord) and i.line == filing.line)
    corrected = dataclasses.replace(
        original,
        submission_kind=SubmissionKind.CORRECTION,
        payment_amount=original.payment_amount + raise_by,
    )
    eltax_salary.write(path, [corrected])
