"""The clerk HTTP API end to end on SQLite (FastAPI TestClient): conventions and every capability."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from http_support import FISCAL_YEAR, auth, new_key, upload

PERSON = {
    "address_number": "310001",
    "name": "目黒花子",
    "kana": "メグロハナコ",
    "birth_date": "1985-04-01",
    "sex": "F",
    "address": "東京都目黒区上目黒二丁目19番15号",
}
PROBLEM = "application/problem+json"


def register(client: TestClient, person: dict[str, Any], key: str | None = None) -> Any:
    return client.post("/taxpayers", json=person, headers=auth(purpose="registry", key=key or new_key()))


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", body["detail"]), "detail is Japanese for a clerk"
    return body


# -- operations and authentication ---------------------------------------------------------------


def test_health_and_metrics_need_no_session(client: TestClient) -> None:
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json()["ready"] is True and health.json()["checks"]["database"]["ok"] is True
    register(client, PERSON)
    text = client.get("/metrics").text
    for family in (
        "juminzei_event_log_head",
        'juminzei_projection_lag{projection="taxpayer_search"}',
        "juminzei_job_queue_depth",
        "juminzei_job_failures_total",
        'juminzei_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/taxpayers"} 1',
        "# TYPE juminzei_import_records_total counter",
    ):
        assert family in text, family


def test_livez_touches_nothing_and_readyz_reports_schema_projections_and_seal_lag(client: TestClient) -> None:
    assert client.get("/livez").json() == {"live": True}
    register(client, PERSON)
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert set(checks) >= {"database", "schema", "projections", "audit_seal"}
    assert checks["schema"] == {"ok": True, "pending": []}
    assert checks["audit_seal"]["seal_lag"] == 0, "a command leaves the log sealed"


def test_readyz_fails_when_the_seal_lags(client: TestClient) -> None:
    from interfaces.http import routes_ops

    register(client, PERSON)
    api = client.app.state.api  # type: ignore[attr-defined]
    original, original_lag = routes_ops.sealed_position, api.max_ready_lag
    routes_ops.sealed_position = lambda c: 0  # as if no sealer had run since the register
    api.max_ready_lag = 0
    try:
        not_ready = client.get("/readyz")
    finally:
        routes_ops.sealed_position, api.max_ready_lag = original, original_lag
    assert not_ready.status_code == 503
    seal_check = not_ready.json()["checks"]["audit_seal"]
    assert seal_check["ok"] is False and seal_check["seal_lag"] >= 1
    assert client.get("/readyz").status_code == 200


def test_every_other_endpoint_requires_a_session(client: TestClient) -> None:
    missing = assert_problem(client.get("/imports"), 401)
    assert missing["type"] == "/problems/unauthenticated"
    assert client.get("/imports").headers["www-authenticate"].startswith("Bearer")
    assert_problem(client.get("/imports", headers={"Authorization": "Bearer nope"}), 401)
    assert client.get("/imports", headers=auth()).status_code == 200


# -- commands: idempotency, purposes, validation -----------------------------------------------


def test_idempotency_key_replays_refuses_reuse_and_in_progress(client: TestClient) -> None:
    key = new_key()
    first = register(client, PERSON, key)
    assert first.status_code == 201
    body = first.json()
    assert body["changed"] is True and body["position"] >= 1
    again = register(client, PERSON, key)
    assert again.status_code == 201 and again.json() == body
    assert again.headers["idempotency-replayed"] == "true"

    other = assert_problem(register(client, {**PERSON, "name": "目黒太郎"}, key), 422)
    assert other["type"] == "/problems/idempotency-key-reused"

    missing = client.post("/taxpayers", json=PERSON, headers=auth(purpose="registry"))
    assert_problem(missing, 400)

    # A duplicate arriving while the first request is still running → 409 (the first is held mid-command).
    busy = new_key()
    c = client.app.state.api.container()  # type: ignore[attr-defined]
    entered, release = threading.Event(), threading.Event()
    real = c.taxpayers.register

    def slow(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(10)
        return real(*args, **kwargs)

    c.taxpayers.register = slow  # type: ignore[method-assign]
    try:
        with ThreadPoolExecutor(1) as pool:
            first_call = pool.submit(register, client, {**PERSON, "address_number": "310009"}, busy)
            assert entered.wait(10)
            duplicate = register(client, {**PERSON, "address_number": "310009"}, busy)
            release.set()
            assert first_call.result().status_code == 201
    finally:
        c.taxpayers.register = real  # type: ignore[method-assign]
    assert assert_problem(duplicate, 409)["type"] == "/problems/idempotency-in-progress"
    assert (
        register(client, {**PERSON, "address_number": "310009"}, busy).headers["idempotency-replayed"]
        == "true"
    )

    # Keys are per staff member: another clerk's identical key is a new command.
    other_clerk = client.post(
        "/taxpayers", json=PERSON, headers=auth("t-clerk02", purpose="registry", key=key)
    )
    assert other_clerk.status_code == 200 and other_clerk.json()["changed"] is False


def test_purpose_is_declared_and_must_fit_the_command(client: TestClient) -> None:
    no_purpose = client.post("/taxpayers", json=PERSON, headers=auth(key=new_key()))
    assert assert_problem(no_purpose, 400)["type"] == "/problems/purpose-required"
    unknown = client.post("/taxpayers", json=PERSON, headers=auth(purpose="curiosity", key=new_key()))
    assert assert_problem(unknown, 400)["type"] == "/problems/purpose-unknown"
    wrong = client.post("/taxpayers", json=PERSON, headers=auth(purpose="statistics", key=new_key()))
    assert assert_problem(wrong, 422)["errors"][0]["field"] == "header.X-Purpose"
    japanese = "%E5%AE%9B%E5%90%8D%E7%AE%A1%E7%90%86"  # 宛名管理, percent-encoded
    ok = client.post("/taxpayers", json=PERSON, headers=auth(purpose=japanese, key=new_key()))
    assert ok.status_code == 201
    search = client.get("/taxpayers", params={"kana": "メグロ"}, headers=auth())
    assert_problem(search, 400)


def test_validation_errors_name_each_field_without_echoing_values(client: TestClient) -> None:
    bad = {**PERSON, "birth_date": "1985-13-45", "sex": "X"}
    del bad["kana"]
    body = assert_problem(register(client, bad), 422)
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"birth_date", "sex", "kana"}
    assert "1985-13-45" not in str(body)


def test_domain_errors_map_to_404_and_409(client: TestClient) -> None:
    nobody = client.get(
        "/taxpayers/999999/residence", params={"fiscal_year": FISCAL_YEAR}, headers=auth(purpose="registry")
    )
    assert assert_problem(nobody, 404)["code"] == "not_found"
    register(client, PERSON)
    conflict = assert_problem(register(client, {**PERSON, "name": "目黒次郎"}), 409)
    assert conflict["type"] == "/problems/rule-refused"


# -- queries: reads after writes, pagination, journaling ------------------------------------------


def test_search_reads_its_write_pages_with_cursor_and_is_journaled(client: TestClient) -> None:
    positions = []
    for n in range(3):
        person = {**PERSON, "address_number": f"31000{n}", "name": f"目黒{n}", "birth_date": f"198{n}-01-01"}
        positions.append(register(client, person).json()["position"])
    query = {"kana": "メグロ", "limit": 2, "min_position": max(positions)}
    first = client.get("/taxpayers", params=query, headers=auth(purpose="registry"))
    assert first.status_code == 200, first.text
    page1 = first.json()
    assert page1["count"] == 2 and page1["next_cursor"]
    second = client.get(
        "/taxpayers", params={**query, "cursor": page1["next_cursor"]}, headers=auth(purpose="registry")
    )
    page2 = second.json()
    numbers = [r["address_number"] for r in page1["results"] + page2["results"]]
    assert sorted(numbers) == ["310000", "310001", "310002"]

    foreign = client.get(
        "/taxpayers", params={"kana": "ア", "cursor": page1["next_cursor"]}, headers=auth(purpose="registry")
    )
    assert_problem(foreign, 400)
    assert_problem(
        client.get("/taxpayers", params={"kana": "メ", "cursor": "@@"}, headers=auth(purpose="registry")), 400
    )
    future = client.get(
        "/taxpayers", params={"kana": "メ", "min_position": 10**9}, headers=auth(purpose="registry")
    )
    assert_problem(future, 422)

    subject = page1["results"][0]["taxpayer_id"]
    head = client.get("/health").json()["checks"]["projections"]["head"]
    access = client.get(
        "/audit/access",
        params={"subject": subject, "min_position": head},
        headers=auth("t-inspector", purpose="audit"),
    )
    assert access.status_code == 200, access.text
    entries = access.json()["entries"]
    assert any(e["action"] == "taxpayer.search" and e["actor"] == "clerk01" for e in entries)


def test_residence_is_answered(client: TestClient) -> None:
    register(client, PERSON)
    answer = client.get(
        "/taxpayers/310001/residence", params={"fiscal_year": FISCAL_YEAR}, headers=auth(purpose="registry")
    )
    assert answer.status_code == 200
    assert answer.json()["levy_date"] == f"{FISCAL_YEAR}-01-01"


# -- the ward: imports, queues, levy, assessments, certificates, reports, audit ---------------------


def test_imports_are_reported_and_idempotent(ward: dict[str, Any]) -> None:
    client: TestClient = ward["client"]
    assert all(i["gap"] == 0 for i in ward["imports"])
    status = client.get("/imports", params={"limit": 3}, headers=auth())
    assert status.status_code == 200
    body = status.json()
    assert len(body["batches"]) == 3 and body["next_cursor"]
    assert set(body["queues"]) >= {"本人確認", "税務調査", "扶養重複"}
    rest = client.get("/imports", params={"limit": 100, "cursor": body["next_cursor"]}, headers=auth()).json()
    assert len(body["batches"]) + len(rest["batches"]) == len(ward["manifest"]["files"])
    entry = ward["manifest"]["files"][0]
    again = upload(client, ward["dir"] / "files" / entry["path"], entry["kind"])
    assert again.status_code == 200 and again.json()["already_imported"] is True
    wrong = client.post(
        "/imports",
        headers=auth(purpose="intake", key=new_key()),
        files={"file": ("x.csv", b"abc")},
        data={"kind": "nope"},
    )
    assert assert_problem(wrong, 422)["errors"][0]["field"] == "kind"


def test_queue_items_need_if_match(ward: dict[str, Any]) -> None:
    client: TestClient = ward["client"]
    items = client.get("/queues/items", headers=auth()).json()["items"]
    assert items, "the synthetic ward (seed 7) plants quarantined filings"
    item = items[0]
    url = f"/queues/items/{item['filing_id']}/forward"
    body = {"to": "131016", "reason": "1月1日の住所地が他団体"}
    assert_problem(client.post(url, json=body, headers=auth(purpose="intake", key=new_key())), 428)
    stale = client.post(
        url, json=body, headers=auth(purpose="intake", key=new_key(), **{"If-Match": '"999"'})
    )
    assert assert_problem(stale, 412)["current_version"] == item["version"]
    one = client.get(f"/queues/items/{item['filing_id']}", headers=auth())
    assert one.headers["etag"] == f'"{item["version"]}"'
    done = client.post(
        url, json=body, headers=auth(purpose="intake", key=new_key(), **{"If-Match": one.headers["etag"]})
    )
    assert done.status_code == 200, done.text
    gone = client.get(
        f"/queues/items/{item['filing_id']}", params={"min_position": done.json()["position"]}, headers=auth()
    )
    assert_problem(gone, 404)


def _levied(ward: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    client: TestClient = ward["client"]
    totals = client.get("/reports/levy-totals", params={"fiscal_year": FISCAL_YEAR}, headers=auth()).json()
    assert totals["levied"] == ward["levy"]["levied"] > 0
    for kana in "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ":
        found = client.get(
            "/taxpayers", params={"kana": kana, "limit": 100}, headers=auth(purpose="initial_levy")
        )
        for r in found.json()["results"]:
            shown = client.get(
                f"/assessments/{r['address_number']}/{FISCAL_YEAR}", headers=auth(purpose="initial_levy")
            )
            if shown.status_code == 200 and shown.json()["amounts"]["payable"] > 0:
                return r["address_number"], shown.json() | {"etag": shown.headers["etag"]}
    raise AssertionError("no levied assessment found")


def test_levy_assessment_changes_certificates_reports_and_audit(ward: dict[str, Any]) -> None:
    client: TestClient = ward["client"]
    rerun = client.post(
        "/levy/runs", json={"fiscal_year": FISCAL_YEAR}, headers=auth(purpose="initial_levy", key=new_key())
    )
    assert rerun.status_code == 200 and rerun.json()["levied"] == 0, (
        "the levy is idempotent per taxpayer × 年度"
    )

    number, shown = _levied(ward)
    assert shown["etag"] == f'"{shown["version"]}"'
    base = f"/assessments/{number}/{FISCAL_YEAR}"
    application = {"kind": "災害", "amount": 1000, "grounds": "火災による損害"}
    assert_problem(
        client.post(f"{base}/reductions", json=application, headers=auth(purpose="reduction", key=new_key())),
        428,
    )
    stale = client.post(
        f"{base}/reductions",
        json=application,
        headers=auth(purpose="reduction", key=new_key(), **{"If-Match": '"0"'}),
    )
    assert_problem(stale, 412)
    applied = client.post(
        f"{base}/reductions",
        json=application,
        headers=auth(purpose="reduction", key=new_key(), **{"If-Match": shown["etag"]}),
    )
    assert applied.status_code == 200, applied.text
    version = applied.json()["version"]
    self_decide = client.post(
        f"{base}/reductions/decision",
        json={"grant": True, "amount": 1000, "reason": "災害減免"},
        headers=auth(purpose="reduction", key=new_key(), **{"If-Match": f'"{version}"'}),
    )
    assert_problem(self_decide, 409)  # the clerk who took the application may not decide it
    decided = client.post(
        f"{base}/reductions/decision",
        json={"grant": True, "amount": 1000, "reason": "災害減免"},
        headers=auth("t-clerk02", purpose="reduction", key=new_key(), **{"If-Match": f'"{version}"'}),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["payable"] == shown["amounts"]["payable"] - 1000

    cert = client.post(
        "/certificates",
        json={"address_number": number, "fiscal_year": FISCAL_YEAR, "use": "提出用"},
        headers=auth(purpose="certificate", key=new_key()),
    )
    assert cert.status_code == 200, cert.text
    code = cert.json()["code"]
    pdf_key = new_key()

    def pdf_request() -> Any:
        return client.post(
            "/certificates",
            json={"address_number": number, "fiscal_year": FISCAL_YEAR, "use": "提出用"},
            headers=auth(purpose="certificate", key=pdf_key, Accept="application/pdf"),
        )

    pdf = pdf_request()
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    replayed = pdf_request()
    assert replayed.headers["idempotency-replayed"] == "true" and replayed.content == pdf.content
    c = client.app.state.api.container()  # type: ignore[attr-defined]
    with c.db.transaction() as cur:
        cur.execute("SELECT content_type, body FROM http_idempotency WHERE idem_key = %s", (pdf_key,))
        kept_type, kept_body = cur.fetchone()
    assert kept_type.startswith("document-ref:") and len(kept_body) < 200, "the PDF itself is not kept"
    verified = client.get(
        "/certificates/verification",
        params={"code": code, "min_position": cert.json()["position"]},
        headers=auth(),
    )
    assert verified.json()["valid"] is True
    assert (
        client.get("/certificates/verification", params={"code": "XXXX"}, headers=auth()).json()["valid"]
        is False
    )

    survey = client.get("/reports/tax-status-survey", params={"fiscal_year": FISCAL_YEAR}, headers=auth())
    assert survey.status_code == 200 and survey.json()["reconciled"] is True

    replay = client.get(
        f"/audit/replay/{shown['assessment_id']}", headers=auth("t-inspector", purpose="audit")
    )
    assert replay.status_code == 200
    assert any(e["event"].endswith("ReductionDecided") for e in replay.json()["timeline"])
    explain = client.get(
        f"/audit/explain/{shown['assessment_id']}", headers=auth("t-inspector", purpose="audit")
    )
    assert explain.status_code == 200 and "reproduces" in explain.json()
    verify = client.get("/audit/verify", headers=auth("t-inspector"))
    assert verify.status_code == 200 and verify.json()["ok"] is True


def test_jobs_run_inline_in_embedded_mode_and_are_idempotent(ward: dict[str, Any]) -> None:
    client: TestClient = ward["client"]
    entry = next(f for f in ward["manifest"]["files"] if f["kind"] == "employers")
    path = ward["dir"] / "files" / entry["path"]
    submitted = upload(client, path, entry["kind"], url="/jobs/imports")
    assert submitted.status_code == 202, submitted.text
    job_id = submitted.json()["job_id"]
    job = client.get(f"/jobs/{job_id}", headers=auth()).json()
    assert job["status"] == "succeeded" and job["result"]["already_imported"] is True
    assert set(job["payload"]) == {"kind", "path", "sha256", "principal_kind"}, (
        "no personal data in the payload"
    )
    again = upload(client, path, entry["kind"], url="/jobs/imports")
    assert again.json()["job_id"] == job_id, "keyed by file hash"
    levy = client.post(
        "/jobs/levy", json={"fiscal_year": FISCAL_YEAR}, headers=auth(purpose="initial_levy", key=new_key())
    )
    assert levy.status_code == 202
    assert client.get(f"/jobs/{levy.json()['job_id']}", headers=auth()).json()["status"] == "succeeded"
    listed = client.get("/jobs", params={"status": "succeeded"}, headers=auth()).json()["jobs"]
    assert {job_id, levy.json()["job_id"]} <= {j["job_id"] for j in listed}
    assert_problem(client.get("/jobs/nope", headers=auth()), 404)


def test_an_unmigrated_database_is_a_clear_503(tmp_path: Any) -> None:
    from http_support import MASTER_KEY, TOKENS

    from adapters.settings import Settings
    from interfaces.bootstrap import build
    from interfaces.http.app import create_app
    from interfaces.http.auth import StaticTokenAuthenticator

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'empty.db'}", master_key=MASTER_KEY, var_dir=tmp_path
    )
    app = create_app(lambda: build(settings), StaticTokenAuthenticator.parse(TOKENS))
    with TestClient(app) as client:
        assert client.get("/health").status_code == 503
        body = assert_problem(client.get("/imports", headers=auth()), 503)
        assert "db upgrade" in body["detail"]
