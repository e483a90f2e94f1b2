"""``juminzei retention hold|release``: holds are events with actor, purpose and reason (issue 21)."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from adapters.settings import Settings
from domain.retention.hold import RetentionHold, hold_id
from domain.taxpayer.model import taxpayer_id
from interfaces.bootstrap import build
from interfaces.cli.main import app

runner = CliRunner()

PERSON = [
    "taxpayer", "register", "--address-number", "720001", "--name", "保存延長花子", "--kana",
    "ホゾンエンチョウハナコ", "--birth-date", "1980-01-01", "--sex", "F", "--address", "東京都目黒区保存町1",
]  # fmt: skip


def hold_of(address_number: str) -> RetentionHold:
    c = build(Settings())  # the CLI's environment (cli_env sets it)
    try:
        hold: RetentionHold = c.app.repository.get(hold_id(f"taxpayer:{taxpayer_id(address_number)}:2025"))
        return hold
    finally:
        c.close()


def test_hold_and_release_are_recorded_and_refused_when_wrong(cli_staff: Any) -> None:
    env = cli_staff("chief01", "所属長", "課税")
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    assert runner.invoke(app, PERSON, env=env).exit_code == 0
    hold = ["retention", "hold", "--address-number", "720001", "--fiscal-year", "2025"]

    placed = runner.invoke(app, [*hold, "--reason", "審査請求中"], env=env)
    assert placed.exit_code == 0, placed.output
    assert "保存を延長しました" in placed.output
    recorded = hold_of("720001")
    assert recorded.active and recorded.reason == "審査請求中"

    again = runner.invoke(app, [*hold, "--reason", "重ねて"], env=env)
    assert again.exit_code == 1 and "既に保存延長" in again.output

    unknown = runner.invoke(
        app,
        ["retention", "hold", "--address-number", "799999", "--fiscal-year", "2025", "--reason", "x"],
        env=env,
    )
    assert unknown.exit_code == 1 and "登録されていません" in unknown.output

    blank = runner.invoke(app, [*hold[:2], *hold[2:], "--reason", "  "], env=env)
    assert blank.exit_code == 2 and "--reason" in blank.output

    release = ["retention", "release", "--address-number", "720001", "--fiscal-year", "2025"]
    assert runner.invoke(app, release, env=env).exit_code == 2, "a release needs a reason"
    released = runner.invoke(app, [*release, "--reason", "裁決"], env=env)
    assert released.exit_code == 0 and "(1 件)" in released.output
    assert not hold_of("720001").active
    twice = runner.invoke(app, [*release, "--reason", "裁決"], env=env)
    assert twice.exit_code == 0 and "(0 件)" in twice.output

    events = hold_of("720001").collect_events()
    assert events == []  # nothing pending; the history is in the store:
    c = build(Settings())
    try:
        topics = [
            (n.topic, n.originator_id)
            for n in c.app.recorder.select_notifications(start=1, limit=10_000)
            if n.topic.startswith("juminzei.retention.")
        ]
    finally:
        c.close()
    assert [t for t, _ in topics] == [
        "juminzei.retention.RetentionHold.Created",
        "juminzei.retention.HoldReleased",
    ]
