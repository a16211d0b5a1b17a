#!/usr/bin/env python3
"""Lists the files of src/ over 400 lines and the functions over 60, tests not counted;
exits 1 when there is any.

The limits are the layout's (see README "How a build works"): past them a file is split
into a folder of submodules, a function into named steps. Run: python3 scripts/sizes.py
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
FILE_MAX, FN_MAX = 400, 60
FN = re.compile(r"^\s*(?:pub(?:\([a-z]+\))? )?(?:const )?(?:async )?(?:unsafe )?fn ([a-z_0-9]+)")


def code_lines(text):
    i = text.find("#[cfg(test)]")
    return (text if i < 0 else text[:i]).split("\n")


def functions(lines):
    """(name, first line, length) of each fn, by brace depth (strings with braces aside)."""
    out = []
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m:
            continue
        depth, opened = 0, False
        for j in range(i, len(lines)):
            s = re.sub(r'"(?:\\.|[^"\\])*"|\'.\'|//.*', "", lines[j])
            depth += s.count("{") - s.count("}")
            opened = opened or "{" in s
            if opened and depth <= 0:
                out.append((m.group(1), i + 1, j - i + 1))
                break
            if not opened and s.rstrip().endswith(";"):
                break
    return out


def main():
    over = 0
    for dirpath, _, names in sorted(os.walk(SRC)):
        for n in sorted(names):
            if not n.endswith(".rs"):
                continue
            path = os.path.join(dirpath, n)
            rel = os.path.relpath(path, os.path.join(SRC, ".."))
            lines = code_lines(open(path, encoding="utf-8").read())
            if len(lines) > FILE_MAX:
                print(f"{rel}: {len(lines)} lines")
                over += 1
            for name, at, length in functions(lines):
                if length > FN_MAX:
                    print(f"{rel}:{at}: fn {name} is {length} lines")
                    over += 1
    print(f"{over} over the limits ({FILE_MAX} lines a file, {FN_MAX} a function)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
