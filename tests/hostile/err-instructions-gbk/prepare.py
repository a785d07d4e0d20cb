from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    page = root / "content/2012-104/instructions.md"
    page.write_bytes(page.read_text(encoding="utf-8").encode("gbk"))
