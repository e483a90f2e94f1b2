"""問合せ through the CLI (issue 19, seed V-2): recorded encrypted, handled, escalated, listed, reported, and
part of the resident's 開示請求 pack."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from interfaces.cli.main import app

runner = CliRunner()
CONTENT = "課税通知書の所得割が昨年より高い理由を知りたい（ヤマダ様）"
LEAK = "他人宛ての通知書が同封されていたとの連絡"


def cli(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_inquiries_end_to_end(cli_env: dict[str, str], cli_staff: Any, tmp_path: Path) -> None:
    demo = cli("demo", "--taxpayers", "5", "--json")
    assert demo.exit_code == 0, demo.output
    cli_staff.supervisor = "demo01"  # the demo's signed-in 所属長 enrols everyone below
    for staff_id in ("k-01", "k-02", "sup-01", "c-01"):
        cli_staff(staff_id)
    cli_staff("audit-01", "監査")
    db = sqlite3.connect(cli_env["JUMINZEI_DATABASE_URL"].removeprefix("sqlite:///"))
    taxpayer_id, address_number = db.execute(
        "SELECT taxpayer_id, address_number FROM rm_taxpayer_search ORDER BY address_number LIMIT 1"
    ).fetchone()

    unknown = cli("inquiry", "record", "--channel", "電話", "--category", "tax", "--content", "x", "--taxpayer",
                  "999999999", "--as", "k-01")  # fmt: skip
    assert unknown.exit_code == 1 and "登録されていません" in unknown.output
    bad = cli("inquiry", "record", "--channel", "FAX", "--category", "tax", "--content", "x", "--as", "k-01")
    assert bad.exit_code == 1 and "受付方法" in bad.output

    first = cli("inquiry", "record", "--channel", "電話", "--category", "tax", "--content", CONTENT, "--taxpayer",
                address_number, "--purpose", "更正", "--as", "k-01", "--json")  # fmt: skip
    assert first.exit_code == 0, first.output
    q1 = json.loads(first.stdout)
    assert q1["taxpayer_id"] == taxpayer_id and q1["status"] == "対応中" and "content" not in q1
    number = q1["number"]
    assert (
        cli("inquiry", "step", number, "--note", "算出の内訳を説明し了承を得た", "--as", "k-01").exit_code
        == 0
    )
    assert cli("inquiry", "close", number, "--resolution", "説明により解決", "--as", "k-01").exit_code == 0
    again = cli("inquiry", "step", number, "--note", "追加", "--as", "k-01")
    assert again.exit_code == 1 and "完了済み" in again.output

    leak = cli(
        "inquiry", "record", "--channel", "窓口", "--category", "leak", "--content", LEAK, "--as", "k-02"
    )
    assert leak.exit_code == 0 and "情報政策課" in leak.output
    leak_number = next(w for w in leak.output.split() if w.startswith("Q-"))
    premature = cli("inquiry", "close", leak_number, "--resolution", "回収済み", "--as", "k-02")
    assert premature.exit_code == 1 and "情報政策課へ報告" in premature.output
    escalated = cli("inquiry", "escalate", leak_number, "--reason", "誤封入の疑い", "--as", "k-02")
    assert escalated.exit_code == 0, escalated.output

    listing = cli("inquiry", "list", "--open", "--as", "sup-01", "--json")
    assert listing.exit_code == 0
    rows = json.loads(listing.stdout)["inquiries"]
    assert [(r["number"], r["status"], r["escalated_to"]) for r in rows] == [
        (leak_number, "報告済・対応中", ["情報政策課"])
    ]
    assert all("content" not in r for r in rows)

    report = cli(
        "inquiry", "report", "--from", "2000-01-01", "--to", "2100-12-31", "--as", "sup-01", "--json"
    )
    assert report.exit_code == 0
    data = json.loads(report.stdout)
    assert data["total"] == 2 and data["by_channel"] == {"窓口": 1, "電話": 1}
    assert data["by_category"] == {"課税内容": 1, "漏えい等の疑い": 1} and data["leak_related_open"] == [
        leak_number
    ]

    shown = cli("inquiry", "show", number, "--as", "sup-01", "--json")
    assert shown.exit_code == 0
    body = json.loads(shown.stdout)
    assert body["content"] == CONTENT and body["handling"][0]["note"] == "算出の内訳を説明し了承を得た"
    assert body["resolution"] == "説明により解決" and body["status"] == "対応完了"

    # The content never reaches the event store in clear.
    raw = b"".join(bytes(r[0]) for r in db.execute("SELECT state FROM stored_events"))
    assert CONTENT.encode() not in raw and LEAK.encode() not in raw and "ヤマダ".encode() not in raw

    # The resident's disclosure pack includes the inquiry that concerns them, not the other one.
    out = tmp_path / "disclosure"
    pack = cli("audit", "disclosure", taxpayer_id, "--out", str(out), "--as", "c-01")
    assert pack.exit_code == 0, pack.output
    disclosed = json.loads((out / "disclosure.json").read_text(encoding="utf-8"))
    assert [q["content"] for q in disclosed["inquiries"]] == [CONTENT]
    assert (out / "disclosure.pdf").read_bytes().startswith(b"%PDF")

    # Reading content is journaled: who looked at this resident's inquiry.
    access = cli("audit", "access", "--subject", taxpayer_id, "--as", "audit-01", "--json")
    assert "inquiry.show" in {e["action"] for e in json.loads(access.stdout)["entries"]}
