"""Intake end to end on SQLite and PostgreSQL: generated files, reconciliation, malformed input,
matching, queues, the vault (issue: Taxpayers and intake)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from stdnum.jp import in_ as my_number

from adapters.formats.registry import read_file
from application.intake.importer import ImportSummary
from domain.filings.filing import Filing, FilingStatus
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from domain.taxpayer.model import Taxpayer, taxpayer_id
from tools.synthetic.generator import generate


def ctx(command_id: str, actor: str = "clerk-1", purpose: Purpose = Purpose.INTAKE) -> CommandContext:
    return CommandContext(actor=actor, purpose=purpose, command_id=command_id, terminal="T-1")


def import_path(c: Any, kind: str, path: Path, command_id: str = "imp") -> ImportSummary:
    c.runner.catch_up()
    summary = c.intake.import_file(read_file(kind, path), ctx(f"{command_id}:{path.name}"))
    c.runner.catch_up()
    return summary


@pytest.fixture
def ward(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    out = tmp_path / "ward"
    manifest = generate(out, taxpayers=50, seed=1, fiscal_year=2026)
    return out, manifest


def import_all(c: Any, ward: tuple[Path, dict[str, Any]]) -> dict[str, ImportSummary]:
    out, manifest = ward
    return {f["kind"]: import_path(c, f["kind"], out / f["path"]) for f in manifest["files"]}


def test_generated_ward_imports_and_reconciles_exactly(durable_container: Any, ward: Any) -> None:
    c = durable_container
    summaries = import_all(c, ward)
    for kind, s in summaries.items():
        assert s.gap == 0, kind
        assert s.accepted + s.rejected + s.quarantined + s.duplicates == s.received, kind
        assert s.rejected == 0, (kind, s.errors)
        assert sum(b.received for b in s.by_submitter) == s.received
    anomalies = {a["kind"] for a in ward[1]["anomalies"]}
    assert {"name_mismatch", "unmatched_person", "duplicate_record", "dependent_claimed_twice"} <= anomalies
    assert summaries["eltax-salary"].duplicates >= 1
    queues = c.intake_index.queue_counts()
    assert queues.get("本人確認", 0) >= 1, "a name mismatch waits for a person"
    assert queues.get("税務調査", 0) >= 1, "an unmatched person waits for investigation"
    assert c.intake_index.dependent_overlaps(2026), "a dependent claimed twice is flagged"
    statuses = {s.name: s for s in c.runner.status()}
    assert all(s.lag == 0 for s in statuses.values())


def test_reimporting_the_same_file_changes_nothing(durable_container: Any, ward: Any) -> None:
    c = durable_container
    out, manifest = ward
    first = import_all(c, ward)
    head = c.app.head()
    for f in manifest["files"]:
        again = import_path(c, f["kind"], out / f["path"], command_id="again")
        assert again.already_imported
        assert (again.accepted, again.quarantined) == (
            first[f["kind"]].accepted,
            first[f["kind"]].quarantined,
        )
    assert c.app.head() == head


def test_name_mismatch_is_never_auto_matched(durable_container: Any, ward: Any) -> None:
    c = durable_container
    import_all(c, ward)
    (item,) = c.intake_index.queue("本人確認")
    filing: Filing = c.app.repository.get(item.filing_id)
    assert filing.taxpayer_id is None and filing.status is FilingStatus.QUARANTINED
    assert "カナ氏名" in item.reason or "生年月日" in item.reason


def test_corrected_report_supersedes_the_original(durable_container: Any, ward: Any) -> None:
    c = durable_container
    import_all(c, ward)
    corrected = [a for a in ward[1]["anomalies"] if a["kind"] == "corrected_record"]
    assert corrected
    filings = [c.app.repository.get(i) for i in _filing_ids(c)]
    superseded = [f for f in filings if f.status is FilingStatus.SUPERSEDED]
    assert superseded, "the original report is kept, marked as superseded"
    replacement: Filing = c.app.repository.get(superseded[0].superseded_by)
    assert replacement.status is FilingStatus.ACTIVE and replacement.taxpayer_id == superseded[0].taxpayer_id


def test_outcomes_do_not_depend_on_chunk_size(durable_container: Any, ward: Any) -> None:
    """A correction whose original sits in an earlier chunk of the same file still finds it (the intake
    projection is not caught up between chunks); one-line chunks give the default's outcomes."""
    c = durable_container
    c.intake.chunk_size = 1
    summaries = import_all(c, ward)
    salary = summaries["eltax-salary"]
    assert salary.gap == 0
    filings = [c.app.repository.get(i) for i in _filing_ids(c)]
    superseded = [f for f in filings if f.status is FilingStatus.SUPERSEDED]
    corrected = [a for a in ward[1]["anomalies"] if a["kind"] == "corrected_record"]
    assert len(superseded) >= len(corrected) >= 1


def _filing_ids(c: Any) -> list[Any]:
    from uuid import UUID

    with c.db.transaction() as cur:
        cur.execute("SELECT filing_id FROM rm_filings")
        return [UUID(r[0]) for r in cur.fetchall()]


def test_no_my_number_in_events_read_models_or_logs(durable_container: Any, ward: Any, capsys: Any) -> None:
    c = durable_container
    out, manifest = ward
    import_all(c, ward)
    numbers = set()
    for f in manifest["files"]:
        data = (out / f["path"]).read_bytes()
        for encoding in ("utf-8", "cp932"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            numbers |= {m for m in re.findall(r"(?<!\d)\d{12}(?!\d)", text) if my_number.is_valid(m)}
            break
    assert len(numbers) > 20, "the generated files do carry My Numbers"
    stored = b"".join(bytes(n.state) for n in c.app.recorder.select_notifications(start=1, limit=100_000))
    with c.db.transaction() as cur:
        dumps = []
        for table in (
            "rm_taxpayer_search",
            "rm_filings",
            "rm_import_errors",
            "rm_dependent_claims",
            "rm_import_batches",
            "rm_intake_fingerprints",
            "data_keys",
            "individual_number_vault",
        ):
            cur.execute(f"SELECT * FROM {table}")
            dumps.append(repr(cur.fetchall()))
    read_models = "\n".join(dumps)
    logs = capsys.readouterr()
    for number in numbers:
        assert number.encode() not in stored
        assert number not in read_models
        assert number not in logs.out + logs.err


def test_malformed_lines_are_rejected_with_line_and_field(
    durable_container: Any, tmp_path: Path, ward: Any
) -> None:
    c = durable_container
    out, _ = ward
    lines = (out / "resident_registry.csv").read_bytes().split(b"\n")
    header, rows = lines[0], [r for r in lines[1:] if r]
    good = rows[:5]
    bad_digit = _cells(rows[5])
    bad_digit[1] = bad_digit[1][:-1] + str((int(bad_digit[1][-1]) + 1) % 10)
    missing = _cells(rows[6])
    missing[2] = ""
    truncated = b",".join(rows[7].split(b",")[:5])
    wrong_encoding = rows[8].replace("目黒".encode(), "目黒".encode("cp932"))
    bad_date = _cells(rows[9])
    bad_date[5] = "1990-02-30"
    body = [*good, _join(bad_digit), _join(missing), truncated, wrong_encoding, _join(bad_date)]
    path = tmp_path / "broken_registry.csv"
    path.write_bytes(b"\n".join([header, *body]) + b"\n")
    summary = import_path(c, "resident-registry", path)
    assert summary.received == 10 and summary.gap == 0
    assert summary.accepted == 5 and summary.rejected == 5
    errors = {e.line: e for e in summary.errors}
    assert set(errors) == {7, 8, 9, 10, 11}  # line 1 is the header
    assert errors[7].field == "個人番号"
    assert errors[8].field == "氏名"
    assert "文字コード" in errors[10].message or "UTF-8" in errors[10].message
    assert errors[11].field == "生年月日"
    for e in summary.errors:
        assert "目黒" not in e.message, "messages name the field, never the value"
    stored = c.intake_index.batches()[-1]
    assert stored["rejected"] == 5


def _cells(row: bytes) -> list[str]:
    return row.decode("utf-8").split(",")


def _join(cells: list[str]) -> bytes:
    return ",".join(cells).encode("utf-8")


def test_queue_resolution_match_register_forward(durable_container: Any, ward: Any) -> None:
    c = durable_container
    import_all(c, ward)
    (identity,) = c.intake_index.queue("本人確認")
    investigation = c.intake_index.queue("税務調査")
    assert investigation
    target = c.taxpayer_queries.directory.search("", None, 1)[0]
    c.queues.match(identity.filing_id, target.address_number, ctx("m"))
    matched: Filing = c.app.repository.get(identity.filing_id)
    assert matched.taxpayer_id == target.taxpayer_id and matched.status is FilingStatus.ACTIVE
    assert matched.content, "content re-sealed under the taxpayer's key and still readable"
    number = c.queues.register_non_resident(investigation[0].filing_id, ctx("r"))
    assert number.startswith("9") and len(number) == 10
    registered: Taxpayer = c.app.repository.get(taxpayer_id(number))
    assert registered.registration_kind.value == "住登外"
    assert len(investigation) >= 2
    c.queues.forward(investigation[1].filing_id, "131016", "1月1日は千代田区", ctx("f"))
    c.runner.catch_up()
    rows = c.queues.forwarding_export(c.intake_index.forwarded(), ctx("x"))
    assert [r["回送先団体コード"] for r in rows] == ["131016"]
    assert rows[0]["氏名"], "the receiving municipality gets the identity to match on"
    with pytest.raises(DomainError):
        c.queues.match(identity.filing_id, target.address_number, ctx("m2"))  # no longer quarantined
    c.runner.catch_up()
    remaining = {i.filing_id for i in c.intake_index.queue()}
    assert identity.filing_id not in remaining and investigation[0].filing_id not in remaining


def test_my_number_reveal_is_policy_bound_and_journaled_first(durable_container: Any, ward: Any) -> None:
    c = durable_container
    import_all(c, ward)
    person = c.taxpayer_queries.directory.search("", None, 1)[0]
    head = c.app.head()
    with pytest.raises(DomainError, match="個人番号利用事務実施者"):
        c.individual_numbers.reveal(
            person.taxpayer_id, ctx("r1", actor="clerk-x", purpose=Purpose.INITIAL_LEVY)
        )
    assert c.app.head() == head + 1, "a denied attempt is journaled too"
    c.individual_numbers.is_designated = lambda actor: actor == "number-user"
    with pytest.raises(DomainError, match="利用事務ではありません"):
        c.individual_numbers.reveal(
            person.taxpayer_id, ctx("r2", actor="number-user", purpose=Purpose.STATISTICS)
        )
    number = c.individual_numbers.reveal(
        person.taxpayer_id, ctx("r3", actor="number-user", purpose=Purpose.INITIAL_LEVY)
    )
    assert my_number.is_valid(number)
    last = c.app.mapper.to_domain_event(c.app.recorder.select_notifications(start=c.app.head(), limit=1)[0])
    assert last.action == "individual_number.reveal" and last.subject_ids == (person.taxpayer_id,)

    def broken(*_: Any, **__: Any) -> Any:
        raise OSError("journal down")

    c.individual_numbers.app.save = broken
    with pytest.raises(OSError):
        c.individual_numbers.reveal(
            person.taxpayer_id, ctx("r4", actor="number-user", purpose=Purpose.INITIAL_LEVY)
        )


def test_residence_on_levy_date(durable_container: Any, ward: Any) -> None:
    c = durable_container
    import_all(c, ward)
    person = c.taxpayer_queries.directory.search("", None, 1)[0]
    answer = c.residence.residence(address_number=person.address_number, fiscal_year=2026, ctx=ctx("q"))
    taxpayer: Taxpayer = c.app.repository.get(person.taxpayer_id)
    assert answer.resident == taxpayer.resident_on(date(2026, 1, 1))
    assert answer.periods


def test_interrupted_import_resumes_without_doubles(durable_container: Any, ward: Any) -> None:
    c = durable_container
    out, _ = ward
    import_path(c, "resident-registry", out / "resident_registry.csv")
    c.intake.chunk_size = 5
    received = read_file("eltax-salary", out / "eltax_salary_315.csv")
    original = c.intake._filing
    calls = {"n": 0}

    def crash(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 13:
            raise KeyboardInterrupt("killed mid-chunk")
        return original(*args, **kwargs)

    c.intake._filing = crash
    c.runner.catch_up()
    with pytest.raises(KeyboardInterrupt):
        c.intake.import_file(received, ctx("crash"))
    c.intake._filing = original
    c.runner.catch_up()
    resumed = c.intake.import_file(received, ctx("resume"))
    assert resumed.gap == 0 and not resumed.already_imported
    assert resumed.accepted + resumed.quarantined + resumed.duplicates + resumed.rejected == resumed.received
    c.runner.catch_up()
    ids = _filing_ids(c)
    assert len(ids) == len(set(ids))
    assert len(ids) == resumed.accepted + resumed.quarantined


def test_import_cli_json_contract(cli_staff: Any, ward: Any) -> None:
    from typer.testing import CliRunner

    from interfaces.cli.main import app

    out, _ = ward
    runner = CliRunner()
    cli_staff("clerk-c")
    result = runner.invoke(
        app, ["import", "resident-registry", str(out / "resident_registry.csv"), "--as", "clerk-c", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) >= {
        "batch_id",
        "received",
        "accepted",
        "rejected",
        "quarantined",
        "duplicates",
        "errors",
    }
    assert body["accepted"] == body["received"]
    status = runner.invoke(app, ["import", "status", "--json"])
    payload = json.loads(status.stdout)
    assert payload["batches"][0]["reconciled"] is True and "queues" in payload
    bad = runner.invoke(
        app, ["import", "no-such-kind", str(out / "resident_registry.csv"), "--as", "clerk-c"]
    )
    assert bad.exit_code == 2 and "resident-registry" in bad.output
