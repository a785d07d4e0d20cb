"""Mangled input, made at random (with fixed seeds): a data file or the notice with lines
dropped, doubled, cut, re-indented or given odd values. Whatever comes of it, the command line
answers with located problems or a site, never with a traceback."""
from __future__ import annotations

import random
import re

import pytest

from conftest import Project

pytestmark = pytest.mark.integration

FILES = ["content/2012-104/notice.md", "data/2012-104/schedule.yaml", "data/2012-104/procedure.yaml",
         "data/2012-104/makeup.yaml", "data/offices.yaml", "data/colleges.yaml", "data/site.yaml"]
ODD_VALUES = ["", "null", "[]", "{}", "- x", "a: b", "~", "2013-02-30", "25:61", "-1", "0", "1e9", "'", '"',
              ":", "&a", "*a", "!!python/object/apply:os.system", "../../../etc/passwd", "/etc/passwd",
              "<script>alert(1)</script>", "9999-01-01", "1900-01-01", "40 working days after nothing",
              "\t", "- - -", "? x", "|", ">", "{{ 7*7 }}", "%", "\u202e", "０８：００"]
LOCATED = re.compile(r"^[\w./-]+(:\d+:\d+)?: ", re.M)


def mangle(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        line, op = lines[i], rng.randrange(6)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2 and ":" in line:
            lines[i] = line.partition(":")[0] + ": " + rng.choice(ODD_VALUES)
        elif op == 3:
            lines[i] = line[:rng.randrange(len(line) + 1)]
        elif op == 4:
            lines[i] = " " * rng.randint(0, 4) + line.lstrip()
        else:
            at = rng.randrange(len(line) + 1)
            lines[i] = line[:at] + rng.choice(ODD_VALUES) + line[at:]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(40))
def test_mangled_input_gives_located_problems_or_a_site(project: Project, seed: int, capfd):
    from noticesite import cli

    rng = random.Random(seed)
    name = rng.choice(FILES)
    project.write(name, mangle(project.read(name), rng))
    code = cli.main(["--project", str(project.root), "check"])
    err = capfd.readouterr().err
    assert code in (0, 1) and "Traceback" not in err and "internal error" not in err, err[-2000:]
    if code == 1:
        assert "check failed" in err and LOCATED.search(err), err[-2000:]
        return
    code = cli.main(["--project", str(project.root), "build", "--no-pdf", "--no-search"])
    err = capfd.readouterr().err
    assert code == 0 and "Traceback" not in err, err[-2000:]
    assert (project.root / "output/index.html").is_file()
