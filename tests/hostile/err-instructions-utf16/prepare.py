from pathlib import Path

from conftest import Project


def prepare(root: Path, outside: Path) -> None:
    page = root / "content/2012-104/instructions.md"
    page.write_bytes(page.read_text(encoding="utf-8").encode("utf-16"))
    # one more fault, in the notice itself: it must be reported too, not lost behind the page's
    Project(root).replace("content/2012-104/notice.md", "\nnumber:", "\nnumbr:")
