from pathlib import Path

from conftest import Project

NOTICE = "content/2012-104/notice.md"

def prepare(root: Path, outside: Path) -> None:
    """A list nested 300 levels deep in the notice's body (Python-Markdown's stack overflowed)."""
    project = Project(root)
    nested = ''.join('    ' * i + '- item\n' for i in range(300))
    project.write(NOTICE, project.read(NOTICE) + '\n' + nested)
