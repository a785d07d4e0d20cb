from pathlib import Path


def prepare(root: Path, outside: Path) -> None:
    data = root / "data/2012-104/procedure.yaml"
    data.write_bytes(data.read_text(encoding="utf-8").encode("gbk"))
