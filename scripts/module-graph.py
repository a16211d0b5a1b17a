#!/usr/bin/env python3
"""Prints the crate's module graph problems: imports that run up the pipeline, and cycles.

Reads src/ (tests blocks excluded), resolves every `crate::…` and `super::…` path to the
module file it names, and checks two rules: a stage imports only stages below it, and no
two modules import each other (directly or round a cycle). Exits 1 when either is broken.
Run: python3 scripts/module-graph.py [--edges]
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
# Lowest first: a module may import its own stage and the stages before it.
STAGES = ["files", "urls", "model", "sanitize", "parse", "site", "refresh", "index",
          "render", "output", "report", "options", "pipeline", "lib", "cli"]


def modules():
    mods = {}
    for dirpath, _, names in os.walk(SRC):
        for n in names:
            if not n.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, n), SRC)[:-3].split(os.sep)
            if rel[-1] == "mod":
                rel = rel[:-1]
            if rel in (["lib"], ["main"]):
                path = (rel[0],)
            else:
                path = tuple(rel)
            mods[path] = os.path.join(dirpath, n)
    return mods


def strip_tests(text):
    i = text.find("#[cfg(test)]")
    return text if i < 0 else text[:i]


def resolve(mods, segs):
    for k in range(len(segs), 0, -1):
        if tuple(segs[:k]) in mods:
            return tuple(segs[:k])
    return ("lib",)


def edges(mods):
    out = {}
    for path, file in mods.items():
        text = strip_tests(open(file, encoding="utf-8").read())
        text = re.sub(r"//[^\n]*", "", text)  # comments and doc links are not imports
        deps = set()
        for m in re.finditer(r"\bcrate::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)", text):
            deps.add(resolve(mods, m.group(1).split("::")))
        base = list(path) if path != ("lib",) else []
        # a file that is not a mod.rs: super is its parent; a mod.rs: super is the parent dir
        for m in re.finditer(r"\b((?:super::)+)((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)?", text):
            ups = m.group(1).count("super::")
            parent = base[: len(base) - ups]
            rest = (m.group(2) or "").split("::") if m.group(2) else []
            deps.add(resolve(mods, parent + rest) if parent + rest else ("lib",))
        for m in re.finditer(r"^\s*(?:pub(?:\([a-z]+\))? )?use (?:self::)?([a-z_][a-z0-9_]*)::", text, re.M):
            if (tuple(base) + (m.group(1),)) in mods:
                deps.add(tuple(base) + (m.group(1),))
        deps.discard(path)
        out[path] = deps
    return out


def stage(path):
    return STAGES.index(path[0]) if path[0] in STAGES else len(STAGES)


def main():
    mods = modules()
    g = edges(mods)
    bad = 0
    name = lambda p: "::".join(p)
    if "--edges" in sys.argv:
        for p in sorted(g):
            print(name(p), "->", ", ".join(sorted(map(name, g[p]))))
    for p in sorted(g):
        for d in sorted(g[p]):
            if stage(d) > stage(p):
                print(f"up the pipeline: {name(p)} imports {name(d)}")
                bad += 1
    # cycles: strongly connected components of more than one module
    index, low, on, stack, comps, n = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            comps.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(g):
        if v not in index:
            visit(v)
    for comp in comps:
        if len(comp) > 1:
            print("cycle:", ", ".join(sorted(map(name, comp))))
            bad += 1
    print(f"{len(g)} modules, {sum(map(len, g.values()))} imports, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
