"""``juminzei audit anomalies``: on a demo ward where one clerk looks at 150 distinct residents in a day,
the report flags that clerk under a volume rule with the evidence; a 所属長 records the review (issue 19)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from adapters.settings import Settings
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from domain.staff.values import jst_date
from interfaces.bootstrap import build
from interfaces.cli.main import app

runner = CliRunner()
PASSWORD = "correct horse battery staple"


def _ctx(actor: str, purpose: Purpose, n: int | str) -> CommandContext:
    return CommandContext(actor=actor, purpose=purpose, command_id=f"test:{actor}:{n}", terminal="t-01")


def _ward_with_a_heavy_reader(staff: Any) -> dict[str, Any]:
    """Demo ward; staff enrolled, granted and signed in through the CLI by the demo's 所属長; k-heavy reads
    150 residents, k-normal 10 (one of them 6 times)."""
    demo = runner.invoke(app, ["demo", "--taxpayers", "160", "--json"], catch_exceptions=False)
    assert demo.exit_code == 0, demo.output
    staff.supervisor = "demo01"
    for staff_id in ("sup-01", "sup-02"):
        staff(staff_id, "所属長")
    for staff_id in ("k-heavy", "k-normal"):
        staff(staff_id, "課税")
    c = build(Settings())
    try:
        now = datetime.now(UTC)
        c.runner.catch_up()
        with c.db.transaction() as cur:
            cur.execute("SELECT taxpayer_id, address_number FROM rm_taxpayer_search ORDER BY address_number")
            people = [(r[0], r[1]) for r in cur.fetchall()]
        assert len(people) >= 150, len(people)
        for i, (_tid, number) in enumerate(people[:150]):
            c.residence.residence(
                address_number=number, fiscal_year=2026, ctx=_ctx("k-heavy", Purpose.CORRECTION, i)
            )
        for i, (_tid, number) in enumerate(people[150:160]):
            c.residence.residence(
                address_number=number, fiscal_year=2026, ctx=_ctx("k-normal", Purpose.CORRECTION, i)
            )
        repeated_id, repeated_number = people[150]
        for i in range(5):
            c.residence.residence(
                address_number=repeated_number,
                fiscal_year=2026,
                ctx=_ctx("k-normal", Purpose.CORRECTION, f"r{i}"),
            )
        return {
            "heavy": [p[0] for p in people[:150]],
            "repeated": repeated_id,
            "day": jst_date(now).isoformat(),
        }
    finally:
        c.close()


def _report(day: str, *extra: str, actor: str = "sup-01") -> dict[str, Any]:
    result = runner.invoke(
        app,
        ["audit", "anomalies", "--from", day, "--to", day, "--json", "--as", actor, *extra],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def test_a_clerk_viewing_150_residents_in_a_day_is_flagged_with_evidence(
    cli_staff: Any, tmp_path: Path
) -> None:
    ward = _ward_with_a_heavy_reader(cli_staff)
    out = tmp_path / "report"
    report = _report(ward["day"], "--out", str(out))

    volume = [f for f in report["findings"] if f["rule"] == "VOLUME-ABSOLUTE"]
    assert [f["staff_id"] for f in volume] == ["k-heavy"]
    evidence = volume[0]["evidence"]
    assert evidence["distinct_residents"] == 150
    assert evidence["records"] == 150
    assert evidence["threshold"] == 100
    assert (
        set(evidence["sample_subject_ids"]) <= set(ward["heavy"])
        and len(evidence["sample_subject_ids"]) == 20
    )
    assert volume[0]["department"] == "税務課" and volume[0]["day"] == ward["day"]
    assert volume[0]["review_outcome"] is None
    assert report["daily_volume"][0] == {"staff_id": "k-heavy", "day": ward["day"], "distinct_residents": 150}

    repeated = [f for f in report["findings"] if f["rule"] == "REPEATED-SUBJECT"]
    assert [(f["staff_id"], f["evidence"]["subject_id"], f["evidence"]["records"]) for f in repeated] == [
        ("k-normal", ward["repeated"], 6)
    ]
    assert not any(f["staff_id"] == "k-normal" for f in report["findings"] if f["rule"].startswith("VOLUME"))
    # Granted clerks are not flagged as reading without a grant; the demo's batch job is not a person.
    assert not [f for f in report["findings"] if f["rule"] == "NO-GRANT"]

    files = report["files"]
    assert json.loads(Path(files["json"]).read_text(encoding="utf-8"))["summary"] == report["summary"]
    html = Path(files["html"]).read_text(encoding="utf-8")
    assert "<svg" in html and volume[0]["finding_id"] in html and "k-heavy" in html
    assert Path(files["pdf"]).read_bytes().startswith(b"%PDF")

    # The 所属長 records the outcome; a clerk cannot; the next report shows it.
    finding = volume[0]["finding_id"]
    refused = runner.invoke(
        app,
        [
            "audit",
            "anomalies",
            "review",
            finding,
            "--outcome",
            "不適正",
            "--note",
            "業務外の照会を確認",
            "--as",
            "k-normal",
        ],
        catch_exceptions=False,
    )
    assert refused.exit_code == 1 and "所属長" in refused.output
    unknown = runner.invoke(
        app,
        ["audit", "anomalies", "review", "AF-20200101-000000000000", "--outcome", "適正", "--note", "確認しました",
         "--as", "sup-01"],
        catch_exceptions=False,
    )  # fmt: skip
    assert unknown.exit_code == 1 and "導かれません" in unknown.output
    bad_outcome = runner.invoke(
        app,
        [
            "audit",
            "anomalies",
            "review",
            finding,
            "--outcome",
            "たぶん",
            "--note",
            "確認しました",
            "--as",
            "sup-01",
        ],
        catch_exceptions=False,
    )
    assert bad_outcome.exit_code == 2
    reviewed = runner.invoke(
        app,
        ["audit", "anomalies", "review", finding, "--outcome", "要調査", "--note", "本人に照会理由を確認中",
         "--as", "sup-01", "--json"],
        catch_exceptions=False,
    )  # fmt: skip
    assert reviewed.exit_code == 0, reviewed.output
    assert json.loads(reviewed.stdout)["outcome"] == "follow-up"
    again = runner.invoke(
        app,
        ["audit", "anomalies", "review", finding, "--outcome", "inappropriate", "--note", "業務外の照会と判断",
         "--as", "sup-02", "--json"],
        catch_exceptions=False,
    )  # fmt: skip
    assert again.exit_code == 0 and json.loads(again.stdout)["reviews"] == 2

    later = _report(ward["day"])
    same = next(f for f in later["findings"] if f["finding_id"] == finding)
    assert same["review_outcome"] == "inappropriate"
    assert [r["reviewed_by"] for r in same["reviews"]] == ["sup-01", "sup-02"]
    unreviewed = [f for f in later["findings"] if f["review_outcome"] is None]
    assert later["summary"]["unreviewed"] == len(unreviewed) and finding not in {
        f["finding_id"] for f in unreviewed
    }

    # Running the report is itself journaled (監査), and so is every review as an event in the log.
    access = runner.invoke(
        app, ["audit", "access", "--staff", "sup-01", "--as", "sup-02", "--json"], catch_exceptions=False
    )
    assert access.exit_code == 0
    assert "audit.anomalies" in {e["action"] for e in json.loads(access.stdout)["entries"]}


def test_usage_errors(cli_staff: Any, cli_env: dict[str, str]) -> None:
    cli_staff("sup-01")
    missing = runner.invoke(app, ["audit", "anomalies", "--to", "2026-12-07", "--as", "sup-01"])
    assert missing.exit_code == 2 and "--from" in missing.output
    bad = runner.invoke(
        app, ["audit", "anomalies", "--from", "12/07", "--to", "2026-12-07", "--as", "sup-01"]
    )
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    reversed_ = runner.invoke(
        app, ["audit", "anomalies", "--from", "2026-12-07", "--to", "2026-12-01", "--as", "sup-01"]
    )
    assert reversed_.exit_code == 1 and "終了日" in reversed_.output
    Path(cli_env["JUMINZEI_SESSION_FILE"]).unlink()
    anonymous = runner.invoke(app, ["audit", "anomalies", "--from", "2026-12-07", "--to", "2026-12-07"])
    assert anonymous.exit_code == 2
