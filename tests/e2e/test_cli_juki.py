"""住基ネット 本人確認 end to end from the CLI with a fake 全国サーバー (a roster file): a 住登外 filing whose 4情報
agree is confirmed and registered; one whose 住所 differs is refused and sent to the 本人確認 queue with the
reason; every query is journaled with its purpose (and the 番号照会 never records the number)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

from typer.testing import CliRunner

from adapters.formats.registry import PAYMENT_KINDS
from adapters.juki.fake import HEADER
from adapters.settings import Settings
from domain.audit.access import AccessRecord
from domain.filings.filing import Filing, FilingStatus, WorkQueue
from interfaces.bootstrap import build
from interfaces.cli.main import app
from tools.synthetic.generator import generate


def _cli(env: dict[str, str], *args: str, code: int = 0, input: str | None = None) -> Any:
    result = CliRunner().invoke(app, list(args), env=env, input=input)
    assert result.exit_code == code, f"{args}: {result.output}"
    return result


def _journal(env: dict[str, str]) -> list[Any]:
    c = build(Settings(database_url=env["JUMINZEI_DATABASE_URL"], var_dir=Path(env["JUMINZEI_VAR_DIR"])))
    try:
        notifications = c.app.recorder.select_notifications(1, 1_000_000)
        return [
            e
            for n in notifications
            if n.topic == AccessRecord.PersonalDataViewed.TOPIC
            for e in [c.app.mapper.to_domain_event(n)]
            if e.action.startswith("juki.")  # type: ignore[attr-defined]
        ]
    finally:
        c.close()


def test_non_resident_registration_confirms_identity_first(cli_staff: Any, tmp_path: Path) -> None:
    env = cli_staff("clerk-j")
    out = tmp_path / "ward"
    manifest = generate(out, taxpayers=50, seed=1, fiscal_year=2026)
    for f in manifest["files"]:
        if f["kind"] in PAYMENT_KINDS:
            continue
        result = CliRunner().invoke(
            app, ["import", f["kind"], str(out / f["path"]), "--as", "clerk-j"], env=env
        )
        assert result.exit_code in (0, 7), result.output  # 7: an empty file of the generated ward
    listed = json.loads(_cli(env, "queue", "list", "--queue", "税務調査", "--json").stdout)["items"]
    assert len(listed) >= 2
    first, second = (item["filing_id"] for item in listed[:2])
    c = build(Settings(database_url=env["JUMINZEI_DATABASE_URL"], var_dir=Path(env["JUMINZEI_VAR_DIR"])))
    try:
        a: Filing = c.app.repository.get(UUID(first))
        b: Filing = c.app.repository.get(UUID(second))
        people = [dict(f.content) for f in (a, b)]
    finally:
        c.close()
    sex = [p.get("sex") if p.get("sex") in ("M", "F") else "F" for p in people]
    roster = tmp_path / "juki.csv"
    rows = [
        HEADER,
        (
            "10000000001",
            "123456789018",
            people[0]["name"],
            people[0]["address"],
            people[0]["birth_date"],
            sex[0],
        ),
        (
            "10000000002",
            "234567890120",
            people[1]["name"],
            "北海道札幌市中央区北1条西2丁目",
            people[1]["birth_date"],
            sex[1],
        ),
    ]
    roster.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    env = env | {"JUMINZEI_JUKI_ROSTER": str(roster)}

    confirmed = json.loads(_cli(env, "juki", "confirm", first, "--as", "clerk-j", "--json").stdout)
    assert confirmed == {"confirmed": True, "reason": "", "candidates": 1}
    number = _cli(env, "queue", "register-non-resident", first, "--as", "clerk-j").stdout
    assert "住登外者として登録しました" in number

    refused = _cli(env, "queue", "register-non-resident", second, "--as", "clerk-j", code=1)
    assert "4情報不一致（住所）" in refused.output
    held = json.loads(_cli(env, "queue", "list", "--queue", "本人確認", "--json").stdout)["items"]
    assert [(i["filing_id"], i["reason"]) for i in held if i["filing_id"] == second] == [
        (second, "住基ネット照会: 4情報不一致（住所）")
    ]

    found = json.loads(
        _cli(
            env,
            "juki",
            "four-items",
            "--name",
            people[0]["name"],
            "--birth-date",
            people[0]["birth_date"],
            "--purpose",
            "更正",
            "--as",
            "clerk-j",
            "--json",
        ).stdout
    )["本人確認情報"]
    assert [r["住民票コード"] for r in found] == ["10000000001"]
    by_number = json.loads(
        _cli(env, "juki", "number", "--as", "clerk-j", "--json", input="234567890120\n").stdout.split(
            "\n", 1
        )[1]
    )
    assert [r["住民票コード"] for r in by_number["本人確認情報"]] == ["10000000002"]
    _cli(env, "juki", "number", "--individual-number", "12", "--as", "clerk-j", code=1)

    journal = _journal(env)
    actions = [(e.action, e.purpose.value, e.actor) for e in journal]
    assert actions == [
        ("juki.four_items", "課税資料取込", "clerk-j"),  # confirm
        ("juki.four_items", "課税資料取込", "clerk-j"),  # register-non-resident of the second
        ("juki.four_items", "更正", "clerk-j"),
        ("juki.individual_number", "課税資料取込", "clerk-j"),
    ]
    assert all("目的=" + e.purpose.value in e.criteria for e in journal)
    assert not any("234567890120" in repr(e.criteria) for e in journal)
    c = build(Settings(database_url=env["JUMINZEI_DATABASE_URL"], var_dir=Path(env["JUMINZEI_VAR_DIR"])))
    try:
        still: Filing = c.app.repository.get(UUID(second))
        assert still.status is FilingStatus.QUARANTINED and still.queue is WorkQueue.IDENTITY
    finally:
        c.close()
