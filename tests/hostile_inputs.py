"""Inputs the hostile cases (tests/hostile/) make with code: an alias bomb of 9**levels values."""
from __future__ import annotations


def bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f'a{i}: &a{i} [' + ', '.join([f'*a{i - 1}'] * 9) + ']')
    return '\n'.join(lines) + '\n'
