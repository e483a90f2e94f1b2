"""The deployment recipe (deploy/): every unit and the image run commands this CLI has (issue 17).

No container engine runs on this machine, so the image is not built here (docs/operations.md says so);
what can be checked is: each systemd unit passes ``systemd-analyze verify`` (with ExecStart pointed at
this environment's ``juminzei``), and each unit's and the image's command is a real command of the CLI
that accepts its options.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interfaces.cli.main import app

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("juminzei-*.service"))


def _exec_args(unit: Path) -> list[str]:
    (line,) = [ln for ln in unit.read_text(encoding="utf-8").splitlines() if ln.startswith("ExecStart=")]
    args = shlex.split(line.removeprefix("ExecStart="))
    assert args[0].endswith("/juminzei")
    return args[1:]


def test_there_is_a_unit_for_each_server_role() -> None:
    roles = {u.stem.removeprefix("juminzei-") for u in UNITS}
    assert roles == {"serve", "worker", "sealer", "projections"}


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.stem)
def test_each_unit_runs_a_real_command(unit: Path) -> None:
    args = _exec_args(unit)
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, (
        f"{unit.name}: `juminzei {' '.join(args)}` is not a command: {result.output}"
    )
    for option in [a for a in args if a.startswith("--")]:
        assert option in result.output, f"{unit.name}: {option} is not an option of that command"


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.stem)
def test_each_unit_passes_systemd_analyze_verify(unit: Path, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    juminzei = Path(sys.executable).with_name("juminzei")
    text = re.sub(r"ExecStart=\S+/juminzei", f"ExecStart={juminzei}", unit.read_text(encoding="utf-8"))
    copy = tmp_path / unit.name
    copy.write_text(text, encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, check=False)
    problems = [
        ln for ln in (done.stdout + done.stderr).splitlines() if unit.name in ln or "error" in ln.lower()
    ]
    assert done.returncode == 0 and not problems, done.stdout + done.stderr


def test_the_image_runs_serve_and_its_healthcheck_path_exists() -> None:
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    entry = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", text, re.M).group(1))  # type: ignore[union-attr]
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))  # type: ignore[union-attr]
    assert entry == ["juminzei"]
    result = CliRunner().invoke(app, [*cmd, "--help"])
    assert result.exit_code == 0, result.output
    from interfaces.http.openapi import document

    paths = set(document()["paths"])
    assert "/livez" in text and "/livez" in paths and "/readyz" in paths
