"""Located problems: what went wrong, where, and how bad.

Checks return problems as values; only the command line prints them. A build
stops when any problem is an error; warnings are printed and the build goes on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

from .model import Location

Severity = Literal["error", "warning"]

# Every warning carries one of these codes: staff acknowledge a known, deliberate warning by its
# code in the data, next to what it is about (acknowledge.py), and a new warning still shows.
# "print": made by the PDF stage's font check (build and check, not with --no-pdf);
# "printing": made while WeasyPrint prints, so only by a build that prints that PDF again.
WARNING_CODES: dict[str, tuple[str, str]] = {
    "mixed-dashes": ("load", "phone numbers of one file separate the area code in different ways"),
    "contact-differs": ("load", "a make-up contact and the directory office with its phone give other addresses"),
    "flow-dead-end": ("load", "a side step with neither next: nor kind: end"),
    "flow-unreached": ("load", "a side step that no branch or next: leads to"),
    "unpublished-folder": ("load", "a folder in content/ without notice.md"),
    "no-date": ("load", "a notice that declares no date (an empty date: says so): left out of the feed"),
    "font-fallback": ("print", "characters the print fonts lack, printed in another font"),
    "font-missing": ("print", "a print font that is not installed"),
    "weasyprint": ("printing", "a message WeasyPrint logged while printing a PDF"),
    "font-subsetter": ("printing", "the PDF fonts subset with fontTools, the slow way"),
    "stale-accept": ("accept", "an acknowledgement that matches no warning"),
}


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str
    severity: Severity = "error"
    code: str = ""  # a warning's code, one of WARNING_CODES

    @classmethod
    def at(cls, where: Location, message: str, severity: Severity = "error", code: str = "") -> "Problem":
        return cls(where.path, where.line, where.column, message, severity, code)

    def __str__(self) -> str:
        place = self.path
        if self.line:
            place += f":{self.line}:{self.column}"
        label = "" if self.severity == "error" else f"warning [{self.code}]: " if self.code else "warning: "
        return f"{place}: {label}{self.message}"


class Problems(list[Problem]):
    """A growing list of problems, with helpers for the two severities."""

    def error(self, where: Location, message: str) -> None:
        self.append(Problem.at(where, message, "error"))

    def warn(self, where: Location, message: str, *, code: str) -> None:
        assert code in WARNING_CODES, code  # a new warning gets its code declared above
        self.append(Problem.at(where, message, "warning", code))

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
