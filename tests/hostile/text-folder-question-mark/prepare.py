from pathlib import Path


NOTICE = "content/2012-104/notice.md"


def prepare(root: Path, outside: Path) -> None:
    """A notice folder named 'a?b': a site of broken links."""
    (root / 'content/2012-104').rename(root / 'content/a?b')
