from pathlib import Path

from conftest import Project

NOTICE = "content/2012-104/notice.md"

def bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f'a{i}: &a{i} [' + ', '.join([f'*a{i - 1}'] * 9) + ']')
    return '\n'.join(lines) + '\n'


def prepare(root: Path, outside: Path) -> None:
    """An alias bomb under an unknown key of the directory: 9^9 values from a few lines."""
    project = Project(root)
    project.write('data/offices.yaml', project.read('data/offices.yaml') + bomb(9))
