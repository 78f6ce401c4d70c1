#!/usr/bin/env python3
"""Replaces the text between `<!-- >>> NAME -->` and `<!-- <<< NAME -->` in docs/benchmarks.md.

Usage: scripts/bench/doc-block.py NAME TABLE_FILE   (the markers stay; the file's text goes between them)
"""
import os
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    name, table = sys.argv[1], open(sys.argv[2]).read()
    doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "benchmarks.md")
    text = open(doc).read()
    start, end = f"<!-- >>> {name} -->", f"<!-- <<< {name} -->"
    if start not in text or end not in text:
        sys.exit(f"docs/benchmarks.md has no {start} ... {end} block")
    i, j = text.index(start) + len(start), text.index(end)
    with open(doc, "w") as f:
        f.write(text[:i] + "\n" + table + text[j:])


if __name__ == "__main__":
    main()
