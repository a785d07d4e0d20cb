from pathlib import Path


NOTICE = "content/2012-104/notice.md"


def prepare(root: Path, outside: Path) -> None:
    """A notice folder named 'a#b': Pagefind failed later, without a location."""
    (root / 'content/2012-104').rename(root / 'content/a#b')
