#!/usr/bin/env python3
"""Build, check or preview the notice site: see `python build.py --help`."""
import sys

from pathlib import Path

from noticesite.cli import main

if __name__ == "__main__":
    sys.exit(main(default_root=Path(__file__).resolve().parent))
