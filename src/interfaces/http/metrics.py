"""Prometheus text exposition (format 0.0.4), written by hand: no client library is installed."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(str(v))}"' for k, v in sorted(labels.items())) + "}"


def _num(value: float) -> str:
    if value == float("inf"):
        return "+Inf"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


class RequestMetrics:
    """Request latency histogram and request counter per route template, method and status."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
        self._sum: dict[tuple[str, str], float] = defaultdict(float)
        self._count: dict[tuple[str, str], int] = defaultdict(int)
        self._requests: dict[tuple[str, str, str], int] = defaultdict(int)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method)
        with self._lock:
            counts = self._buckets[key]
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[i] += 1
            self._sum[key] += seconds
            self._count[key] += 1
            self._requests[(route, method, str(status))] += 1

    def lines(self) -> list[str]:
        out = [
            "# HELP juminzei_http_request_duration_seconds HTTP request latency by route template.",
            "# TYPE juminzei_http_request_duration_seconds histogram",
        ]
        with self._lock:
            for (route, method), counts in sorted(self._buckets.items()):
                base = {"route": route, "method": method}
                for bound, n in zip(BUCKETS, counts, strict=True):
                    out.append(
                        f"juminzei_http_request_duration_seconds_bucket{_labels({**base, 'le': _num(bound)})} {n}"
                    )
                out.append(
                    f"juminzei_http_request_duration_seconds_bucket{_labels({**base, 'le': '+Inf'})}"
                    f" {self._count[(route, method)]}"
                )
                out.append(
                    f"juminzei_http_request_duration_seconds_sum{_labels(base)} {self._sum[(route, method)]!r}"
                )
                out.append(
                    f"juminzei_http_request_duration_seconds_count{_labels(base)} {self._count[(route, method)]}"
                )
            out.append(
                "# HELP juminzei_http_requests_total HTTP requests by route template, method and status."
            )
            out.append("# TYPE juminzei_http_requests_total counter")
            for (route, method, status), n in sorted(self._requests.items()):
                out.append(
                    f"juminzei_http_requests_total{_labels({'route': route, 'method': method, 'status': status})} {n}"
                )
        return out


def family(
    name: str, kind: str, help_text: str, samples: Iterable[tuple[dict[str, str], float]]
) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{_labels(labels)} {_num(value)}" for labels, value in samples]
    return lines
