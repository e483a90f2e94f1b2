"""The CLI contract of the foundation: db upgrade, taxpayer register/search, projections, operator identity."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from interfaces.cli.main import app
from tests_support import CliStaff

runner = CliRunner()

REGISTER = [
    "taxpayer",
    "register",
    "--address-number",
    "310001",
    "--name",
    "目黒花子",
    "--kana",
    "メグロハナコ",
    "--birth-date",
    "1985-04-01",
    "--sex",
    "F",
    "--address",
    "東京都目黒区上目黒二丁目19番15号",
]


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def test_help_lists_the_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("db", "taxpayer", "projections", "demo"):
        assert command in result.output


def test_commands_refuse_an_unmigrated_database(cli_env: dict[str, str]) -> None:
    result = invoke("taxpayer", "search", "--kana", "メ", "--as", "clerk")
    assert result.exit_code == 1
    assert "db upgrade" in result.output


@pytest.mark.parametrize("use_postgres", [False, True], ids=["sqlite", "postgres"])
def test_upgrade_twice_register_search(
    cli_env: dict[str, str], use_postgres: bool, request: pytest.FixtureRequest
) -> None:
    env = dict(cli_env)
    if use_postgres:
        from tests_support import reset_postgres

        url = request.getfixturevalue("pg_database")
        reset_postgres(url)
        env["JUMINZEI_DATABASE_URL"] = url
    first = invoke("db", "upgrade", "--json", env=env)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["head"] == 0
    second = invoke("db", "upgrade", "--json", env=env)
    assert second.exit_code == 0 and json.loads(second.stdout)["applied_now"] == []
    staff = CliStaff(env, env["JUMINZEI_SESSION_FILE"])
    staff("clerk-01")
    env = staff("clerk-02")

    registered = invoke(*REGISTER, "--as", "clerk-01", "--json", env=env)
    assert registered.exit_code == 0, registered.output
    body = json.loads(registered.stdout)
    assert body["changed"] is True and body["address_number"] == "310001"

    again = invoke(*REGISTER, "--as", "clerk-01", "--json", env=env)
    assert json.loads(again.stdout)["changed"] is False

    found = invoke("taxpayer", "search", "--kana", "メグロ", "--as", "clerk-02", "--json", env=env)
    assert found.exit_code == 0, found.output
    hits = json.loads(found.stdout)
    assert hits["count"] == 1
    assert hits["results"][0]["address_number"] == "310001"
    assert hits["results"][0]["name"] == "目黒花子"

    status = invoke("projections", "status", "--json", env=env)
    taxpayer_search = next(
        p for p in json.loads(status.stdout)["projections"] if p["name"] == "taxpayer_search"
    )
    assert taxpayer_search["name"] == "taxpayer_search" and taxpayer_search["position"] >= 1


def test_sign_in_is_required(cli_env: dict[str, str]) -> None:
    assert invoke("db", "upgrade").exit_code == 0
    result = invoke(*REGISTER)
    assert result.exit_code == 2
    assert "staff sign-in" in result.output
    typed = invoke(*REGISTER, "--as", "clerk-01")
    assert typed.exit_code == 2 and "--as だけでは操作できません" in typed.output


def test_configured_operator_no_longer_authenticates(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("db", "upgrade").exit_code == 0
    monkeypatch.setenv("JUMINZEI_OPERATOR", "configured-clerk")
    assert invoke(*REGISTER).exit_code == 2


@pytest.mark.parametrize(
    ("option", "value", "needle"),
    [("--birth-date", "1985/04/01", "--birth-date"), ("--sex", "X", "--sex")],
)
def test_bad_input_names_the_option(cli_staff: Any, option: str, value: str, needle: str) -> None:
    cli_staff("clerk")
    args = list(REGISTER)
    args[args.index(option) + 1] = value
    result = invoke(*args, "--as", "clerk")
    assert result.exit_code == 2
    assert needle in result.output


def test_domain_errors_are_clerk_readable(cli_staff: Any) -> None:
    cli_staff("clerk")
    args = list(REGISTER)
    args[args.index("--address-number") + 1] = "12-34"
    result = invoke(*args, "--as", "clerk")
    assert result.exit_code == 1
    assert "宛名番号" in result.output


def test_unknown_purpose_is_refused(cli_staff: Any) -> None:
    cli_staff("clerk")
    result = invoke("taxpayer", "search", "--kana", "メ", "--purpose", "好奇心", "--as", "clerk")
    assert result.exit_code == 2
    assert "利用目的" in result.output
