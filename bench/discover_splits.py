#!/usr/bin/env python3
"""Discovery's hit@10 on the real lists over several hidden-feed splits, not only the one
evaluate.py draws: the same protocol (one feed per person with >= 5 feeds, among their feeds
read by >= 2 persons, all hidden at once), the hidden feed chosen by sha1(salt + slug + url).
The empty salt is evaluate.py's own split. A change that helps only one split is noise.

Uses ../shared/real-lists/evaluate.py (not part of this project; pass --real-lists if it lives
elsewhere) for loading, hiding, writing the site and scoring. Stdlib only.

    cargo build --release
    python3 bench/discover_splits.py                       # splits "", a, b, c, d, e
    python3 bench/discover_splits.py --salts "" x y z

Prints, per split, the hits of toluu and of the popularity baseline, then the total.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_evaluate(real_lists: Path):
    spec = importlib.util.spec_from_file_location("evaluate", real_lists / "evaluate.py")
    if spec is None or spec.loader is None:
        sys.exit(f"no evaluate.py in {real_lists}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hide(ev, people: dict, salt: str) -> dict[str, str]:
    """evaluate.py's rule, with the hash salted."""
    readers = ev.readers_of(people)
    hidden = {}
    for slug, p in people.items():
        urls = [f["url"] for f in p["feeds"]]
        if len(urls) < 5:
            continue
        shared = [u for u in urls if readers[u] >= 2]
        if shared:
            key = lambda u: (hashlib.sha1((salt + slug + u).encode("utf-8")).hexdigest(), u)  # noqa: E731
            hidden[slug] = min(shared, key=key)
    return hidden


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real-lists", type=Path, default=ROOT.parent / "shared" / "real-lists")
    ap.add_argument("--toluu", type=Path, default=ROOT / "target" / "release" / "toluu")
    ap.add_argument("--salts", nargs="*", default=["", "a", "b", "c", "d", "e"])
    args = ap.parse_args()
    ev = load_evaluate(args.real_lists)
    people = ev.load_people(str(args.real_lists / "people"))
    total = n = 0
    with tempfile.TemporaryDirectory(prefix="toluu-splits-") as tmp:
        for salt in args.salts:
            hidden = hide(ev, people, salt)
            site = Path(tmp) / f"split-{salt or 'evaluate'}"
            ev.write_site(people, hidden, str(site))
            out = subprocess.run([str(args.toluu), "suggest", str(site), "--json"],
                                 capture_output=True, check=True).stdout
            (site / "suggestions.json").write_bytes(out)
            model = ev.Model(ev.training(people, hidden))
            ours = ev.load_toluu(str(site / "suggestions.json"), model, hidden)
            pop = ev.score({s: model.popularity(s, 10) for s in hidden}, hidden)
            print(f"split {salt or '(evaluate.py)'}: toluu {ours['hits@10']}/{ours['n']} "
                  f"= {ours['hit@10']:.3f}, popularity {pop['hits@10']}")
            total += ours["hits@10"]
            n += ours["n"]
    print(f"total: {total}/{n} = {total / n:.3f}")


if __name__ == "__main__":
    main()
