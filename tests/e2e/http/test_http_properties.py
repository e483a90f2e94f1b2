"""Property-based API test over the documented schemas (docs/openapi.json), bounded.

schemathesis is not installed, so requests are generated here with hypothesis from the OpenAPI document:
every operation gets path, query, header and body values drawn from its schemas (mixed with values known to
exist in a small synthetic ward, and with arbitrary text). Checks: no response is a 5xx, every error is
problem+json, and no response carries a 12-digit number that passes the My Number check digit.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from http_support import FISCAL_YEAR, auth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.jp import in_ as my_number

from interfaces.http.openapi import document

SPEC = document()
OPERATIONS = [
    (path, method, op)
    for path, methods in sorted(SPEC["paths"].items())
    for method, op in sorted(methods.items())
]
PURPOSES = [
    "registry",
    "intake",
    "initial_levy",
    "correction",
    "reduction",
    "certificate",
    "audit",
    "statistics",
]
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
ASCII = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20)
TWELVE_DIGITS = re.compile(rb"(?<![0-9])[0-9]{12}(?![0-9])")


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = SPEC["components"]["schemas"][name]
    return schema


def _string(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    by_format: dict[str, st.SearchStrategy[Any]] = {
        "date": st.dates().map(lambda d: d.isoformat()),
        "date-time": st.datetimes().map(lambda d: d.isoformat() + "+09:00"),
        "uuid": st.uuids().map(str),
        "binary": st.binary(max_size=64),
    }
    fmt = schema.get("format")
    if fmt in by_format:
        return by_format[fmt]
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    return st.text(
        st.characters(blacklist_categories=("Cs", "Cc")),
        min_size=schema.get("minLength", 0),
        max_size=min(schema.get("maxLength", 30), 30),
    )


def _object(schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {k: from_schema(v, depth + 1) for k, v in properties.items() if k in required},
        optional={k: from_schema(v, depth + 1) for k, v in properties.items() if k not in required},
    )


def _typed(schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    kind = schema.get("type")
    by_type: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
        "null": st.none,
        "boolean": st.booleans,
        "integer": lambda: st.integers(
            min_value=schema.get("minimum", -(10**6)), max_value=schema.get("maximum", 10**6)
        ),
        "number": lambda: st.integers(-1000, 1000),
        "array": lambda: st.lists(
            from_schema(schema.get("items", {}), depth + 1), max_size=2 if depth < 2 else 0
        ),
    }
    if isinstance(kind, str) and kind in by_type:
        return by_type[kind]()
    if kind == "object" or "properties" in schema:
        return _object(schema, depth)
    if kind == "string":
        return _string(schema)
    return st.one_of(st.none(), st.integers(), TEXT)


def from_schema(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """A strategy for values valid under ``schema`` (mostly); the callers mix in invalid ones."""
    schema = _resolve(schema)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([from_schema(s, depth + 1) for s in schema[key]])
    return _typed(schema, depth)


PURPOSE_OF = [
    ("/jobs/imports", "intake"),
    ("/jobs/levy", "initial_levy"),
    ("/jobs/documents", "certificate"),
    ("/levy/runs", "initial_levy"),
    ("/levy/reassessments", "correction"),
    ("/reductions", "reduction"),
    ("/switch-method", "correction"),
    ("/cancellation", "correction"),
    ("/assessments", "initial_levy"),
    ("/certificates", "certificate"),
    ("/taxpayers", "registry"),
    ("/imports", "intake"),
    ("/queues", "intake"),
    ("/returns", "intake"),
    ("/audit", "audit"),
]


def purpose_for(path: str) -> str:
    return next((purpose for fragment, purpose in PURPOSE_OF if fragment in path), "operations")


def mostly(valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Nine in ten draws from ``valid``: enough requests get past validation to reach the services."""
    return st.integers(0, 9).flatmap(lambda n: invalid if n == 0 else valid)


def _known(ward: dict[str, Any]) -> dict[str, list[Any]]:
    client: TestClient = ward["client"]
    found: dict[str, Any] = {"results": []}
    for kana in "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ":
        page = client.get("/taxpayers", params={"kana": kana, "limit": 20}, headers=auth(purpose="registry"))
        found["results"] += page.json()["results"]
    numbers = [r["address_number"] for r in found["results"]][:30]
    items = client.get("/queues/items", headers=auth()).json()["items"]
    jobs = client.get("/jobs", headers=auth()).json()["jobs"]
    return {
        "address_number": numbers or ["310001"],
        "fiscal_year": [FISCAL_YEAR],
        "filing_id": [i["filing_id"] for i in items] or [str(uuid.uuid4())],
        "aggregate_id": [r["taxpayer_id"] for r in found.get("results", [])] or [str(uuid.uuid4())],
        "assessment_id": [str(uuid.uuid4())],
        "job_id": [j["job_id"] for j in jobs] or ["x"],
        "receipt": ["R-0001", "R-0002"],
    }


def check_response(response: Any) -> None:
    assert response.status_code < 500, (response.request.method, response.request.url, response.text[:500])
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json"), response.text[:300]
    for match in TWELVE_DIGITS.findall(response.content):
        assert not my_number.is_valid(match.decode()), "a response carries a valid My Number"
    for value in response.headers.values():
        for match in TWELVE_DIGITS.findall(value.encode()):
            assert not my_number.is_valid(match.decode())


def _header_strategy(p: dict[str, Any], path: str) -> st.SearchStrategy[Any]:
    if p["name"] == "X-Purpose":
        return mostly(st.just(purpose_for(path)), st.one_of(st.sampled_from(PURPOSES), ASCII, st.none()))
    if p["name"] == "If-Match":
        return mostly(st.integers(1, 8).map(lambda n: f'"{n}"'), st.one_of(ASCII, st.none()))
    if p["name"] == "Idempotency-Key":
        return mostly(st.uuids().map(str), st.none())
    return st.one_of(ASCII, st.none())


def _param_strategy(p: dict[str, Any], path: str, known: dict[str, list[Any]]) -> st.SearchStrategy[Any]:
    """Mostly valid values of one parameter (known ids where there are some), sometimes junk."""
    if p["in"] == "header":
        return _header_strategy(p, path)
    valid = from_schema(p.get("schema", {}))
    if p["name"] in known:
        valid = st.one_of(st.sampled_from(known[p["name"]]), st.sampled_from(known[p["name"]]), valid)
    if p["in"] == "query":
        if not p.get("required"):
            valid = st.one_of(valid, st.none())
        return mostly(valid, st.one_of(st.none(), TEXT))
    return mostly(valid, TEXT.filter(lambda t: t.strip("/. ")) if p["in"] == "path" else TEXT)


def _request(path: str, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The URL and ``client.request`` arguments for one draw of the operation's parts."""
    url = path
    query: dict[str, Any] = {}
    headers = auth()
    for name, value in values.items():
        where, _, key = name.partition(":")
        if value is None or where in ("body", "multipart"):
            continue
        if where == "path":
            url = url.replace("{" + key + "}", quote(str(value), safe="") or "_")
        elif where == "query":
            query[key] = value
        elif where == "header":
            headers[key] = str(value)
    kwargs: dict[str, Any] = {"params": query, "headers": headers}
    if "body" in values:
        kwargs["content"] = json.dumps(values["body"], ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    if "multipart" in values:
        kind, data = values["multipart"]
        kwargs["files"] = {"file": ("f.csv", data, "application/octet-stream")}
        kwargs["data"] = {"kind": kind}
    return url, kwargs


@pytest.fixture(scope="module")
def known(ward: dict[str, Any]) -> dict[str, list[Any]]:
    return _known(ward)


@pytest.mark.parametrize(
    ("path", "method", "op"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS]
)
def test_no_server_errors_and_no_my_number(
    ward: dict[str, Any], known: dict[str, list[Any]], path: str, method: str, op: dict[str, Any]
) -> None:
    client: TestClient = ward["client"]
    parameters = op.get("parameters", [])
    body_content = op.get("requestBody", {}).get("content", {})
    strategies = {f"{p['in']}:{p['name']}": _param_strategy(p, path, known) for p in parameters}
    if "application/json" in body_content:
        schema = body_content["application/json"]["schema"]
        strategies["body"] = mostly(from_schema(schema), st.one_of(st.none(), TEXT, st.integers()))
    if "multipart/form-data" in body_content:
        strategies["multipart"] = st.tuples(
            st.one_of(st.sampled_from(["resident-registry", "employers", "etax-return"]), TEXT),
            st.binary(max_size=300),
        )

    @settings(
        max_examples=6,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries(strategies))
    def run(values: dict[str, Any]) -> None:
        url, kwargs = _request(path, values)
        response = client.request(method.upper(), url, **kwargs)
        check_response(response)

    run()
