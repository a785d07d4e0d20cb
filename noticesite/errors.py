"""Located problems: what went wrong, where, and how bad.

Checks return problems as values; only the command line prints them. A build
stops when any problem is an error; warnings are printed and the build goes on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

from .model import Location

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str
    severity: Severity = "error"

    @classmethod
    def at(cls, where: Location, message: str, severity: Severity = "error") -> "Problem":
        return cls(where.path, where.line, where.column, message, severity)

    def __str__(self) -> str:
        place = self.path
        if self.line:
            place += f":{self.line}:{self.column}"
        label = "" if self.severity == "error" else "warning: "
        return f"{place}: {label}{self.message}"


class Problems(list[Problem]):
    """A growing list of problems, with helpers for the two severities."""

    def error(self, where: Location, message: str) -> None:
        self.append(Problem.at(where, message, "error"))

    def warn(self, where: Location, message: str) -> None:
        self.append(Problem.at(where, message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in self if p.severity == "error")

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self if p.severity == "warning")

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self)


class BuildError(Exception):
    """Raised to stop a build; carries every problem found so far."""

    def __init__(self, problems: Iterable[Problem], partly_written: str = ""):
        self.problems = sorted(problems)
        # empty when the output folder is as it was; else what of it the build did change
        self.partly_written = partly_written
        super().__init__("\n".join(str(p) for p in self.problems))
