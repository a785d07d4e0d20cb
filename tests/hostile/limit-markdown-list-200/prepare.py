from pathlib import Path

from conftest import Project

NOTICE = "content/2012-104/notice.md"

def prepare(root: Path, outside: Path) -> None:
    """A list nested 200 levels deep in the notice's body (the PDF printing overflowed)."""
    project = Project(root)
    nested = ''.join('    ' * i + '- item\n' for i in range(200))
    project.write(NOTICE, project.read(NOTICE) + '\n' + nested)
