#!/usr/bin/env python3
"""What real feed clients make of the site toluu writes.

Builds the example site offline into a temp dir with the given binary, then:
  xmllint     every .xml and .opml file is well-formed (xmllint --noout);
  feedparser  every Atom file parses with no bozo flag, every entry has an absolute link and a
              date, and a post's id names the same link in every Atom file;
  newsboat    every OPML file imports (newsboat -i, in a temp home) with every outline;
  rename      a feed served from 127.0.0.1 fails, then works, then changes its title, one build
              each: every Atom entry id (as feedparser reads it) stays across the title
              change, and every page URL any build had is a page or a redirect to one after.
Each check prints one line; a client that is not installed is reported as skipped. Exits 1
when a check fails. Nothing leaves the machine.

Run: python3 tests/clients/check.py [--bin target/debug/toluu] [--site example-site]
(use the venv's python, e.g. target/ci-venv/bin/python, for feedparser; see .ci/run).
"""
import argparse
import http.server
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

try:
    import feedparser
except ImportError:
    feedparser = None

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ATOM_NS = "http://www.w3.org/2005/Atom"
REFRESH = re.compile(r'http-equiv="refresh" content="0; url=([^"]+)"')


def build(binary, site, out, offline):
    """Builds `site` into `out` with the real binary; raises with its stderr on failure."""
    args = [binary, "build", "-q", "-o", out] + (["--offline"] if offline else []) + [site]
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"toluu build failed ({run.returncode}): {run.stderr.strip()}")


def files(out, *suffixes):
    """Paths (relative to `out`, sorted) of the files whose names end with one of `suffixes`."""
    found = []
    for dirpath, _, names in os.walk(out):
        for name in names:
            if name.endswith(suffixes):
                found.append(os.path.relpath(os.path.join(dirpath, name), out))
    return sorted(found)


def is_atom(path):
    try:
        return ET.parse(path).getroot().tag == f"{{{ATOM_NS}}}feed"
    except ET.ParseError:
        return True  # let feedparser say what is wrong with it


def check_xmllint(out):
    if not shutil.which("xmllint"):
        return "skipped: xmllint not installed"
    paths = files(out, ".xml", ".opml")
    run = subprocess.run(["xmllint", "--noout"] + paths, cwd=out, capture_output=True, text=True)
    if run.returncode != 0:
        raise AssertionError(f"not well-formed:\n{run.stderr.strip()}")
    return f"{len(paths)} .xml/.opml files well-formed"


def check_feedparser(out):
    if feedparser is None:
        return "skipped: feedparser not installed"
    atoms = [p for p in files(out, ".xml") if is_atom(os.path.join(out, p))]
    problems, entries, link_of = [], 0, {}
    for rel in atoms:
        parsed = feedparser.parse(os.path.join(out, rel))
        if parsed.bozo:
            problems.append(f"{rel}: bozo: {parsed.bozo_exception}")
        if parsed.version != "atom10":
            problems.append(f"{rel}: read as {parsed.version!r}, not Atom 1.0")
        for entry in parsed.entries:
            entries += 1
            link, eid = entry.get("link", ""), entry.get("id", "")
            url = urlparse(link)
            if url.scheme not in ("http", "https") or not url.netloc:
                problems.append(f"{rel}: entry {eid!r}: link {link!r} is not absolute")
            if not (entry.get("updated_parsed") or entry.get("published_parsed")):
                problems.append(f"{rel}: entry {eid!r}: no date")
            if not eid:
                problems.append(f"{rel}: an entry without an id ({link})")
            elif link_of.setdefault(eid, (link, rel))[0] != link:
                problems.append(f"{rel}: id {eid!r} is {link}, in {link_of[eid][1]} it is "
                                f"{link_of[eid][0]}")
    if problems or not atoms:
        raise AssertionError("\n".join(problems) or "no Atom file found")
    return (f"feedparser {feedparser.__version__}: {len(atoms)} Atom files, {entries} entries: "
            "no bozo, absolute links, dates, one link per id")


def opml_urls(path):
    return {o.get("xmlUrl") for o in ET.parse(path).iter("outline") if o.get("xmlUrl")}


def newsboat_import(opml, home):
    """The feed URLs newsboat keeps after importing `opml` into an empty config in `home`."""
    os.makedirs(home)
    urls = os.path.join(home, "urls")
    run = subprocess.run(
        ["newsboat", "-u", urls, "-c", os.path.join(home, "cache.db"),
         "-C", os.path.join(home, "config"), "-i", opml],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=30,
        env=dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home))
    if run.returncode != 0:
        raise AssertionError(f"newsboat -i {opml}: {run.returncode}: {run.stderr.strip()}")
    with open(urls, encoding="utf-8") as f:
        return {shlex.split(line)[0] for line in f if line.strip() and not line.startswith("#")}


def check_newsboat(out, scratch):
    if not shutil.which("newsboat"):
        return "skipped: newsboat not installed"
    opmls, outlines, problems = files(out, ".opml"), 0, []
    for i, rel in enumerate(opmls):
        want = opml_urls(os.path.join(out, rel))
        got = newsboat_import(os.path.join(out, rel), os.path.join(scratch, f"nb{i}"))
        outlines += len(want)
        if got != want:
            problems.append(f"{rel}: missing {sorted(want - got)}, extra {sorted(got - want)}")
    if problems or not opmls:
        raise AssertionError("\n".join(problems) or "no OPML file found")
    version = subprocess.run(["newsboat", "--version"], capture_output=True, text=True)
    name = " ".join(version.stdout.split()[:2])
    return f"{name}: {len(opmls)} OPML files imported, all {outlines} outlines kept"


class Feeds(http.server.BaseHTTPRequestHandler):
    """Serves `Feeds.bodies` (path → bytes) on 127.0.0.1, with no validators, so that every
    build fetches the body anew."""
    bodies = {}

    def do_GET(self):
        body = self.bodies.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


def rss(title):
    """A feed titled `title`: a permalink guid, an opaque guid, and an item with a link only."""
    return (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>' + title + '</title>'
        '<link>https://blog.example/</link><description>d</description>\n'
        '<item><title>One</title><link>https://blog.example/1</link>'
        '<guid>https://blog.example/1</guid><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>'
        '</item>\n<item><title>Two</title><link>https://blog.example/2</link>'
        '<guid isPermaLink="false">post-2</guid><pubDate>Sun, 01 Nov 2026 10:00:00 GMT</pubDate>'
        '</item>\n<item><title>Three</title><link>https://blog.example/3</link>'
        '<pubDate>Sat, 31 Oct 2026 10:00:00 GMT</pubDate></item>\n</channel></rss>\n'
    ).encode()


def snapshot(out):
    """(entry ids of each Atom file as feedparser reads them, or None without feedparser;
    every page; every redirect page with where it sends its reader)."""
    pages, redirects = set(), {}
    for rel in files(out, "index.html"):
        with open(os.path.join(out, rel), encoding="utf-8") as f:
            m = REFRESH.search(f.read())
        if m:
            target = os.path.normpath(os.path.join(os.path.dirname(rel), m.group(1)))
            redirects[rel] = os.path.join(target, "index.html")
        else:
            pages.add(rel)
    ids = None
    if feedparser is not None:
        ids = {rel: [e.id for e in feedparser.parse(os.path.join(out, rel)).entries]
               for rel in files(out, "atom.xml")}
    return ids, pages, redirects


def check_rename(binary, scratch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Feeds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        site = os.path.join(scratch, "rename-site")
        os.makedirs(os.path.join(site, "people"))
        with open(os.path.join(site, "toluu.toml"), "w") as f:
            f.write('title = "Renames"\nbase_url = "https://reading.example/"\n')
        for who in ("ana", "bo"):
            with open(os.path.join(site, "people", f"{who}.toml"), "w") as f:
                f.write(f'name = "{who}"\n[[feeds]]\nurl = "{url}"\ntags = ["essays"]\n')
        # First the feed fails, so its page starts at a provisional slug (from its host).
        Feeds.bodies = {}
        build(binary, site, os.path.join(scratch, "failing"), offline=False)
        Feeds.bodies = {"/feed.xml": rss("Original Title")}
        build(binary, site, os.path.join(scratch, "before"), offline=False)
        Feeds.bodies = {"/feed.xml": rss("Renamed Blog")}
        build(binary, site, os.path.join(scratch, "after"), offline=False)
    finally:
        server.shutdown()
    (_, pages_failing, _), (ids0, pages0, _), (ids1, pages1, redirects1) = (
        snapshot(os.path.join(scratch, d)) for d in ("failing", "before", "after"))
    feed_pages = [p for p in pages1 if p.startswith("feeds/") and p != "feeds/index.html"]
    problems = []
    if len(feed_pages) != 1:
        problems.append(f"expected one feed page, found {feed_pages}")
    elif "Renamed Blog" not in open(os.path.join(scratch, "after", feed_pages[0])).read():
        problems.append(f"{feed_pages[0]} does not show the new title: the change did not land")
    for gone in sorted((pages_failing | pages0) - pages1):
        target = redirects1.get(gone)
        if target is None:
            problems.append(f"{gone}: a page before the rename, gone after it")
        elif target not in pages1:
            problems.append(f"{gone} redirects to {target}, which is not a page")
    if ids0 is not None and ids0 != ids1:
        problems.append(f"entry ids changed: before {ids0}, after {ids1}")
    if ids0 is not None and not any(ids0.values()):
        problems.append("no Atom entry to compare")
    if problems:
        raise AssertionError("\n".join(problems))
    moved = len((pages_failing | pages0) - pages1)
    how = ("the same entry ids in feedparser" if ids0 is not None
           else "entry ids not compared (skipped: feedparser not installed)")
    return (f"a feed renamed between two builds: {len(pages_failing | pages0)} page URLs kept "
            f"({moved} moved with a redirect), {sum(map(len, (ids0 or {}).values()))} entries in "
            f"{len(ids0 or {})} Atom files with {how}")


def main():
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "toluu"))
    args.add_argument("--site", default=os.path.join(ROOT, "example-site"))
    opts = args.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="toluu-clients-") as scratch:
        site = os.path.join(scratch, "example-site")
        shutil.copytree(opts.site, site, ignore=shutil.ignore_patterns("public", "lock"))
        out = os.path.join(scratch, "public")
        build(opts.bin, site, out, offline=True)
        checks = [
            ("xmllint", lambda: check_xmllint(out)),
            ("feedparser", lambda: check_feedparser(out)),
            ("newsboat", lambda: check_newsboat(out, scratch)),
            ("rename", lambda: check_rename(opts.bin, scratch)),
        ]
        for name, check in checks:
            try:
                said = check()
                status = "" if said.startswith("skipped") else "ok: "
                print(f"clients: {name}: {status}{said}", flush=True)
            except (AssertionError, RuntimeError, OSError, subprocess.SubprocessError) as e:
                failed += 1
                print(f"clients: {name}: FAILED: {e}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
