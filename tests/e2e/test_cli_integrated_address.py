"""``juminzei integrated-address issue|attach|merge|split|show``: the 団体内統合宛名番号 from the command line."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from interfaces.cli.main import app

runner = CliRunner()


def person(address_number: str, name: str) -> list[str]:
    return [
        "taxpayer", "register", "--address-number", address_number, "--name", name, "--kana", "トウゴウ",
        "--birth-date", "1980-01-01", "--sex", "F", "--address", "東京都目黒区統合町1",
    ]  # fmt: skip


def test_issue_merge_split_and_show(cli_staff: Any) -> None:
    env = cli_staff("clerk01", "課税")
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    for address, name in (("730001", "統合花子"), ("730002", "統合花子"), ("730003", "統合一郎")):
        assert runner.invoke(app, person(address, name), env=env).exit_code == 0

    def call(*args: str) -> Any:
        result = runner.invoke(app, ["integrated-address", *args, "--json"], env=env)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    a = call("issue", "730001")["number"]
    b = call("issue", "730002")["number"]
    merged = call("merge", a, b, "--reason", "同一人と判明")
    assert merged == {"number": a, "status": "有効", "address_numbers": ["730001", "730002"]}
    attached = call("attach", a, "730003", "--reason", "誤って追加")
    assert attached["address_numbers"] == ["730001", "730002", "730003"]
    split = call("split", a, "--move", "730003", "--reason", "別人と判明")
    assert split["address_numbers"] == ["730003"] and split["number"] not in (a, b)

    shown = call("show", "--address-number", "730002")
    assert shown["number"] == a and [h["kind"] for h in shown["history"]] == [
        "付番",
        "統合（吸収）",
        "追加",
        "分割",
    ]
    text = runner.invoke(app, ["integrated-address", "show", b], env=env)
    assert text.exit_code == 0 and "統合済" in text.output and a in text.output

    refused = runner.invoke(app, ["integrated-address", "split", a, "--move", "730001", "--move", "730002",
                                  "--reason", "全部"], env=env)  # fmt: skip
    assert refused.exit_code == 1 and "少なくとも1つ" in refused.output
    unknown = runner.invoke(app, ["integrated-address", "issue", "739999"], env=env)
    assert unknown.exit_code == 1 and "登録されていません" in unknown.output
