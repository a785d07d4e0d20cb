from pathlib import Path


NOTICE = "content/2012-104/notice.md"

def prepare(root: Path, outside: Path) -> None:
    """More offices than the limit, in a file under 1 MB."""
    rows = ''.join(f'- {{name: 分{i}, phone: 0730-8640001, address: 路{i}}}\n' for i in range(5001))
    (root / 'data/offices.yaml').write_text('offices:\n' + rows, encoding='utf-8')
