"""Computation trace (計算過程の記録).

Every computed line of a levy carries its value, the parameters that were read (with their values) and
the citation of the rule applied, so that an inspector can see *why* a yen was levied (DESIGN §2.2, §5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ParamValue = int | str | bool


@dataclass(frozen=True)
class TraceLine:
    """One line of the 計算過程: a labelled value, its inputs/parameters and the rule it follows.

    ``id`` is a stable machine key (e.g. ``municipal.income_levy``); ``step`` is the human label
    (Japanese term + English).
    """

    id: str
    step: str
    value: int
    parameters: dict[str, ParamValue]
    citation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "step": self.step,
            "value": self.value,
            "parameters": dict(self.parameters),
            "citation": self.citation,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TraceLine:
        params: dict[str, ParamValue] = {}
        for k, v in dict(data.get("parameters", {})).items():
            if not isinstance(v, int | str | bool):
                raise ValueError(f"trace parameter {k!r} must be int, str or bool")
            params[str(k)] = v
        return cls(
            id=str(data["id"]),
            step=str(data["step"]),
            value=int(data["value"]),
            parameters=params,
            citation=str(data["citation"]),
        )


@dataclass
class Tracer:
    """Collects :class:`TraceLine` objects while the engine computes (mutable, local to one run)."""

    lines: list[TraceLine] = field(default_factory=list)

    def add(
        self,
        id: str,
        step: str,
        value: int,
        citation: str,
        **parameters: ParamValue,
    ) -> int:
        """Record a line and return ``value`` (so a computation can be written inline)."""
        self.lines.append(TraceLine(id=id, step=step, value=value, parameters=parameters, citation=citation))
        return value

    def value_of(self, id: str) -> int:
        for line in self.lines:
            if line.id == id:
                return line.value
        raise KeyError(id)
