#!/usr/bin/env python3
"""Writes the committed feed cache of example-site/ (example-site/.toluu/cache/*.json).

The feed URLs are real, but every post below is placeholder text written for the toluu
example: none of it comes from, or paraphrases, the real blogs. The output is deterministic:
running this script twice gives byte-identical files.

Usage: python3 scripts/make-example-cache.py [CACHE_DIR]
(default: example-site/.toluu/cache next to this script's parent directory)
"""

import hashlib
import html
import json
import os
import re
import sys
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import urlsplit, urlunsplit

FORMAT = 2
FETCHED_AT = datetime(2026, 11, 21, 6, 0, 0, tzinfo=timezone.utc)
WINDOW_START = datetime(2026, 9, 1, tzinfo=timezone.utc)
WINDOW_END = datetime(2026, 11, 20, tzinfo=timezone.utc)  # last day posts may fall on

# Each feed: url, title, site_link, description, posts [(title, excerpt, code or None)].
# Optional: undated (one extra post without a date, listed last), etag, last_modified (bool),
# failed (dict), window (start, end) for the post dates, plain (content is the excerpt only),
# categories (one list per post, in order).
FEEDS = [
    {
        "url": "https://jvns.ca/atom.xml",
        "title": "Julia Evans",
        "site_link": "https://jvns.ca/",
        "description": "Posts about programming, Linux and learning things.",
        "etag": True,
        "posts": [
            ("Notes on reading a DNS response by hand",
             "I printed a DNS response byte by byte to see which parts I actually understand. "
             "The header was easy; the name compression took a whole afternoon.",
             "dig +noall +answer"),
            ("A small tour of file descriptors",
             "Every open file, socket and pipe in a process is just a small number. Here is what "
             "I learned listing them for a few everyday programs.",
             "ls -l /proc/self/fd"),
            ("Questions I had about the staging area",
             "Some questions I wrote down while explaining the index to a friend, and the "
             "experiments I ran to answer them.",
             "git diff --cached"),
            ("Things that surprised me about certificate chains",
             "A short list of things I got wrong about certificates until I looked at a few "
             "real ones.",
             "openssl s_client"),
            ("Debugging a slow test with strace",
             "A test took nine seconds for no obvious reason. Tracing its system calls pointed "
             "at a name lookup nobody expected.",
             "strace -f -e trace=network"),
            ("A comic draft about environment variables",
             "An early sketch of a short comic about where environment variables come from and "
             "why changing one in a terminal does not affect the others.",
             "env"),
        ],
    },
    {
        "url": "https://danluu.com/atom.xml",
        "title": "Dan Luu",
        "site_link": "https://danluu.com/",
        "description": "Long-form essays on computers, performance and the software industry.",
        "last_modified": True,
        "posts": [
            ("Notes on measuring latency in the tail",
             "Averages hid most of what mattered in the system I looked at. A few plots of the "
             "slowest one percent told a different story.",
             "p99"),
            ("How long do hardware upgrades keep helping?",
             "A rough look at how quickly the gains from faster machines were absorbed by new "
             "work.",
             None),
            ("Some thoughts on reading incident reports",
             "What I look for when reading incident write-ups from other teams, and the patterns "
             "that show up again and again.",
             None),
            ("A small study of build times",
             "I timed the same build on a handful of machines and configurations. The spread "
             "was larger than I expected.",
             "time make -j8"),
            ("On the cost of complexity in everyday tools",
             "A few examples of tools that became slower and harder to use as they grew, and a "
             "few that did not.",
             None),
        ],
    },
    {
        "url": "https://blog.rust-lang.org/feed.xml",
        "title": "Rust Blog",
        "site_link": "https://blog.rust-lang.org/",
        "description": "Empowering everyone to build reliable and efficient software.",
        "etag": True,
        "posts": [
            ("What's new in the autumn release",
             "A summary of the language and library changes in this cycle's stable release, "
             "with a short example for each.",
             "rustup update stable"),
            ("Call for testing: a new diagnostics layout",
             "We would like help trying out a reworked layout for compiler error messages "
             "before it becomes the default.",
             "RUSTFLAGS"),
            ("Notes from the contributors' meetup",
             "A short report from an in-person meeting of compiler and library contributors, "
             "and what we agreed to work on next.",
             None),
            ("Improving compile times: an update",
             "Where the time goes when building a mid-sized crate graph, and what changed in "
             "the last few releases.",
             "cargo build --timings"),
            ("A small tour of error handling",
             "How Result, the question mark operator and the Error trait fit together, written "
             "for people coming from other languages.",
             "Result<T, E>"),
            ("Project goals for the next period",
             "The goals the teams proposed for the coming months, and how to follow their "
             "progress.",
             None),
        ],
    },
    {
        "url": "https://martinfowler.com/feed.atom",
        "title": "Martin Fowler",
        "site_link": "https://martinfowler.com/",
        "description": "Articles on software design, architecture and delivery.",
        "posts": [
            ("Notes on evolving a module boundary",
             "A boundary that made sense two years ago now gets in the way. Some thoughts on "
             "moving it without a rewrite.",
             None),
            ("On keeping refactoring steps small",
             "Why a long chain of tiny, safe changes usually beats one clever restructuring, "
             "with a worked example.",
             None),
            ("A conversation about the shape of a test suite",
             "Notes from a discussion about how the shape of a test suite should follow the "
             "shape of the risk.",
             None),
            ("Patterns for incremental migration",
             "A few recurring ways teams replace an old system piece by piece, and what each "
             "one costs.",
             None),
        ],
    },
    {
        "url": "https://www.allthingsdistributed.com/atom.xml",
        "title": "All Things Distributed",
        "site_link": "https://www.allthingsdistributed.com/",
        "description": "Writing on building scalable and robust distributed systems.",
        "posts": [
            ("Notes on designing for failure",
             "Everything fails eventually. A few habits that help systems degrade instead of "
             "collapsing.",
             None),
            ("What a storage service owes its users",
             "Durability, predictability and honest error messages, in roughly that order.",
             None),
            ("A reading list for a long flight",
             "A handful of papers and books for a long trip, and why each one made the list.",
             None),
            ("Simplicity as an operational property",
             "Systems that are easy to explain tend to be easy to operate. Some examples of "
             "that trade-off.",
             None),
        ],
    },
    {
        "url": "https://simonwillison.net/atom/everything/",
        "title": "Simon Willison's Weblog",
        "site_link": "https://simonwillison.net/",
        "description": "Notes on data, the web and tools for working with both.",
        "etag": True,
        "posts": [
            ("Trying a small language model on a laptop",
             "I ran a small open model offline to see what works without a network. Setup took "
             "minutes; tuning the prompts took longer.",
             None),
            ("A tiny tool for exploring CSV files",
             "A weekend project: a single page that loads a CSV file and lets you filter and "
             "sort it in the browser.",
             None),
            ("SQLite features I keep rediscovering",
             "A running list of SQLite features I forget about every few months, starting with "
             "the JSON functions.",
             "json_extract"),
            ("Cache headers for static sites",
             "A short note on which cache headers matter when a static site sits behind a "
             "CDN.",
             "Cache-Control"),
            ("Thinking about untrusted input to AI tools",
             "Why treating every piece of retrieved text as untrusted input changes how an "
             "assistant has to be designed.",
             None),
            ("Weeknotes: documentation and a data import plugin",
             "What I worked on this week: tidying documentation, a small import plugin and a "
             "lot of issue triage.",
             None),
            ("A search page with nothing but SQLite",
             "Full-text search over a few thousand documents fits comfortably in a single-file "
             "database.",
             "fts5"),
            ("Links and notes from a talk about publishing data",
             "Slides, links and extra notes from a talk about putting data on the web.",
             None),
        ],
    },
    {
        "url": "https://daringfireball.net/feeds/main",
        "plain": True,
        "title": "Daring Fireball",
        "site_link": "https://daringfireball.net/",
        "description": "Commentary on technology, design and software.",
        "posts": [
            ("A few thoughts on a settings screen redesign",
             "The new settings screens are tidier, but a few things moved to places nobody "
             "would think to look.",
             None),
            ("Linked: an essay on software defaults",
             "Worth reading: an argument that the defaults a product ships with matter more "
             "than any of its options.",
             None),
            ("Notes on the autumn hardware event",
             "Brief impressions of this year's announcements, with the usual caveat that "
             "hands-on time was short.",
             None),
            ("The case for fewer notifications",
             "Most apps ask for permission to interrupt you on the first day. Most of them "
             "should not.",
             None),
            ("Typography on small screens",
             "Some observations on line length, font size and why reading on a phone can still "
             "feel cramped.",
             None),
        ],
    },
    {
        "url": "https://xkcd.com/atom.xml",
        "plain": True,
        "title": "xkcd.com",
        "site_link": "https://xkcd.com/",
        "description": "A webcomic of romance, sarcasm, math, and language.",
        "posts": [
            ("Backup Rotation Schedule",
             "Placeholder comic: two characters argue about how many copies of a backup it "
             "takes before it counts as a backup.",
             None),
            ("Orbital Parking",
             "Placeholder comic: a chart of increasingly impractical places to leave a "
             "satellite overnight.",
             None),
            ("Spreadsheet Archaeology",
             "Placeholder comic: someone digs through the layers of a spreadsheet that has been "
             "in use since before they were born.",
             None),
            ("Cloud Cover Estimates",
             "Placeholder comic: a weather forecast that is confident about everything except "
             "the weather.",
             None),
            ("Time Zone Committee",
             "Placeholder comic: a committee meeting that never starts because nobody agrees "
             "what time it is.",
             None),
            ("Rubber Duck Escalation",
             "Placeholder comic: when explaining the bug to a rubber duck fails, the duck asks "
             "for a manager.",
             None),
        ],
    },
    {
        "url": "https://lwn.net/headlines/rss",
        "plain": True,
        "title": "LWN.net",
        "site_link": "https://lwn.net/",
        "description": "News from the source: Linux and free software development.",
        "etag": True,
        "posts": [
            ("Kernel development notes for the week",
             "A summary of the patches discussed on the mailing lists this week, including "
             "scheduler tweaks and filesystem fixes.",
             None),
            ("A new approach to memory tiering",
             "Developers are discussing how the kernel should decide which pages belong in "
             "slower memory tiers.",
             None),
            ("Security updates for Thursday",
             "Security updates have been issued by several distributions for a range of "
             "packages.",
             None),
            ("Distribution release roundup",
             "A look at the distribution releases that arrived over the last month.",
             None),
            ("Rethinking page cache sizes",
             "A proposal to let the page cache track memory in larger units, and the "
             "objections it has raised so far.",
             None),
            ("Conference report: the filesystems track",
             "Notes from the filesystem sessions at a recent developer gathering.",
             None),
            ("Toward safer driver interfaces in Rust",
             "An update on writing kernel drivers in Rust and the abstractions that are still "
             "missing.",
             None),
            ("The state of asynchronous I/O",
             "Where asynchronous I/O on Linux stands, and the concerns that keep coming up in "
             "review.",
             "io_uring_enter()"),
        ],
    },
    {
        "url": "https://overreacted.io/rss.xml",
        "title": "overreacted",
        "site_link": "https://overreacted.io/",
        "description": "Essays on user interfaces and the code behind them.",
        "posts": [
            ("Notes on thinking in components",
             "A component is a function of its inputs. Some consequences of taking that idea "
             "seriously.",
             None),
            ("What a re-render actually costs",
             "A small experiment measuring when re-rendering is expensive and when it is not "
             "worth worrying about.",
             None),
            ("Reading your own code a year later",
             "Some code I wrote last year made sense only with context I have since forgotten.",
             None),
            ("A gentle look at server and client boundaries",
             "How to think about which code runs where, without any framework-specific "
             "vocabulary.",
             None),
        ],
    },
    {
        "url": "https://blog.codinghorror.com/rss/",
        "title": "Coding Horror",
        "site_link": "https://blog.codinghorror.com/",
        "description": "Programming and human factors.",
        "posts": [
            ("The hidden cost of a meeting",
             "A one-hour meeting with eight people is a full working day. A few ways to notice "
             "that before sending the invitation.",
             None),
            ("On hiring for curiosity",
             "The best people I have worked with asked a lot of questions in their first week. "
             "Some thoughts on interviewing for that.",
             None),
            ("Your keyboard is a tool",
             "We spend years at a keyboard and minutes choosing one. Notes on treating input "
             "devices like any other tool.",
             None),
            ("Moderation is most of the work",
             "Running an online community is mostly about the people, and the software should "
             "help with that.",
             None),
        ],
    },
    {
        "url": "https://www.joelonsoftware.com/feed/",
        "title": "Joel on Software",
        "site_link": "https://www.joelonsoftware.com/",
        "description": "Essays on software development, management and business.",
        # One list per post, in order: what example-site's only_categories filter reads.
        "categories": [["Management", "Specifications"], ["Management"],
                       ["Business", "Products"], ["Management", "Hiring"]],
        "posts": [
            ("Notes on writing a functional specification",
             "A specification is a tool for thinking, not a contract. A short template and why "
             "each section is there.",
             None),
            ("Estimating software, one more time",
             "Why estimates go wrong in the same few ways, and a lightweight habit that makes "
             "them a little less wrong.",
             None),
            ("A short history of a bug tracker",
             "How a small internal tool grew into a product, and the features we regret "
             "adding.",
             None),
            ("What a good first week looks like",
             "Some notes on onboarding new developers so that they ship something small by "
             "Friday.",
             None),
        ],
    },
    {
        "url": "https://fasterthanli.me/index.xml",
        "title": "fasterthanli.me",
        "site_link": "https://fasterthanli.me/",
        "description": "Long articles and videos about Rust, systems and how things work.",
        "posts": [
            ("A small tour of async executors",
             "What an executor actually does with your futures, illustrated with a toy runtime "
             "in a few hundred lines.",
             "Waker"),
            ("Reading an ELF file by hand",
             "Opening a binary in a hex editor and finding the headers, sections and symbols "
             "one at a time.",
             "readelf -h"),
            ("Error messages as a user interface",
             "A good error message answers three questions: what happened, why, and what to do "
             "next.",
             None),
            ("Why is my release binary so large?",
             "Chasing down where the bytes in a release build come from, from debug "
             "information to generic instantiations.",
             "strip"),
            ("Notes on cross-compiling for a small board",
             "Getting a program built on a laptop to run on a single-board computer, and the "
             "linker errors along the way.",
             "--target"),
        ],
    },
    {
        "url": "https://eli.thegreenplace.net/feeds/all.atom.xml",
        "title": "Eli Bendersky's website",
        "site_link": "https://eli.thegreenplace.net/",
        "description": "Programming, compilers and mathematics, with worked examples.",
        "posts": [
            ("Notes on writing a tiny Lisp interpreter",
             "A reader, an evaluator and an environment fit in surprisingly little code. Here "
             "is a walk through each part.",
             "eval"),
            ("What a linker map file tells you",
             "A map file lists where every symbol ended up. A short guide to reading one.",
             "-Wl,-Map=out.map"),
            ("Implementing a Bloom filter, step by step",
             "Building a Bloom filter from scratch and checking its false-positive rate "
             "against the textbook formula.",
             None),
            ("Floating point summation and why order matters",
             "Adding the same numbers in a different order gives a different answer. A few "
             "experiments and a compensated sum.",
             None),
            ("Generating code from a grammar description",
             "A small generator that turns a grammar file into a recursive-descent parser, and "
             "the limits of that approach.",
             None),
        ],
    },
    {
        "url": "https://brooker.co.za/blog/rss.xml",
        "title": "Marc's Blog",
        "site_link": "https://brooker.co.za/blog/",
        "description": "Notes on distributed systems, databases and reliability.",
        "last_modified": True,
        "posts": [
            ("Notes on reading a write-ahead log",
             "What a write-ahead log guarantees, what it does not, and a few ways I have seen "
             "one misused.",
             "fsync"),
            ("Retries, backoff and the shape of overload",
             "Retries help with transient failures and hurt during overload. A simple model of "
             "when each effect wins.",
             None),
            ("Why tail latency compounds in fan-out",
             "When one request waits for many, the slowest of them sets the pace. Some "
             "arithmetic about how fast that adds up.",
             None),
            ("Caches are a form of state",
             "A cache changes how a system behaves when it is cold, and that is easy to forget "
             "until a restart.",
             None),
            ("Simple queueing models for busy engineers",
             "Three formulas that explain most of what I see in production queues.",
             None),
        ],
    },
    {
        "url": "https://research.swtch.com/feed.atom",
        "title": "research!rsc",
        "site_link": "https://research.swtch.com/",
        "description": "Thoughts and links about programming.",
        "undated": ("About these notes",
                    "An occasional series of notes on programming, tools and programming "
                    "languages.",
                    None),
        "posts": [
            ("Notes on reproducible builds",
             "What it takes for two people to build the same source and get the same bytes, "
             "and why it is worth the trouble.",
             None),
            ("Thinking about dependency versions",
             "A few principles for choosing which version of a dependency a build should use.",
             None),
            ("A small tour of regular expression engines",
             "Backtracking and automata-based engines answer the same question in very "
             "different ways.",
             None),
            ("Checksums as a public record",
             "Why publishing the checksums of released modules helps everyone notice when "
             "something changes.",
             None),
        ],
    },
    {
        "url": "https://rachelbythebay.com/w/atom.xml",
        "title": "rachelbythebay",
        "site_link": "https://rachelbythebay.com/w/",
        "description": "Stories from a life of operations and programming.",
        "last_modified": True,
        "undated": ("Feedback and contact",
                    "How to send feedback about these posts.",
                    None),
        "posts": [
            ("The pager went off at three again",
             "A story about an alert that fired every night at the same time, and the cron job "
             "behind it.",
             None),
            ("Notes on a flaky load balancer",
             "Some requests vanished, but only on Tuesdays. Here is how the logs eventually "
             "gave it away.",
             None),
            ("Logs you will wish you had",
             "A short list of things worth logging today, before the outage that needs them.",
             None),
            ("Reading the manual, for a change",
             "The option that would have prevented last month's incident was documented all "
             "along.",
             None),
            ("A small tool that watches for full disks",
             "Forty lines of code that have paid for themselves many times over.",
             "df -h"),
        ],
    },
    {
        "url": "https://www.brendangregg.com/blog/rss.xml",
        "title": "Brendan Gregg's Blog",
        "site_link": "https://www.brendangregg.com/blog/",
        "description": "Systems performance, observability and tracing.",
        "last_modified": True,
        "posts": [
            ("Profiling a slow service, step by step",
             "A worked example of finding where a service spends its CPU time, from a first "
             "look to a fix.",
             "perf record -g"),
            ("Notes on measuring CPU saturation",
             "Utilization tells you how busy a CPU is. Saturation tells you how much work is "
             "waiting for it.",
             None),
            ("Tracing disk I/O latency",
             "Building a latency histogram for block I/O and reading what its shape says.",
             None),
            ("What a useful performance dashboard shows",
             "Fewer graphs, chosen by the questions they answer.",
             None),
        ],
    },
    {
        "url": "https://without.boats/index.xml",
        "title": "Without boats, dreams dry up",
        "site_link": "https://without.boats/",
        "description": "Essays on programming language design.",
        "posts": [
            ("Notes on the design of async iteration",
             "Iterating over values that arrive over time raises questions that ordinary "
             "iterators never had to answer.",
             None),
            ("Ownership, revisited",
             "A second look at what ownership buys a language, and what it costs the people "
             "who use it.",
             None),
            ("Thinking about effect systems",
             "Some notes on tracking effects like failure and asynchrony in the type system.",
             None),
            ("Pinning, explained with diagrams",
             "Why some values must not move in memory, drawn as boxes and arrows.",
             "Pin<&mut T>"),
        ],
    },
    {
        "url": "https://matklad.github.io/feed.xml",
        "title": "matklad",
        "site_link": "https://matklad.github.io/",
        "description": "Notes on programming, tooling and language servers.",
        "etag": True,
        "posts": [
            ("Notes on writing a fast test suite",
             "A test suite that runs in seconds changes how often people run it. Some ways to "
             "get there.",
             None),
            ("A small tour of resilient parsing",
             "A parser for an editor has to make sense of code that is half written. Some "
             "techniques for that.",
             None),
            ("Reading a large codebase",
             "Where to start when a project is too big to read front to back.",
             None),
            ("Designing a language server from scratch",
             "The architecture decisions that matter most in the first month of a language "
             "server.",
             None),
            ("Assertions are documentation",
             "An assertion states what the author believed, and checks it every run.",
             "debug_assert!"),
        ],
    },
    {
        "url": "https://blog.acolyer.org/feed/",
        "title": "the morning paper",
        "site_link": "https://blog.acolyer.org/",
        "description": "An interesting or influential paper from the world of computer science "
                       "every weekday morning.",
        # The failing feed: it has not answered for the last 12 daily builds; the last good
        # content is kept, and the site shows it as failing (past the 3-build grace period).
        "failed": {
            "http_status": None,
            "error": "could not connect: Connection refused (os error 111)",
            "last_success_at": datetime(2026, 11, 9, 6, 0, 0, tzinfo=timezone.utc),
            "failing_since": datetime(2026, 11, 10, 6, 0, 0, tzinfo=timezone.utc),
            "consecutive_failures": 12,
        },
        "window": (datetime(2026, 9, 1, tzinfo=timezone.utc),
                   datetime(2026, 10, 1, tzinfo=timezone.utc)),
        "posts": [
            ("Paper notes: a storage engine for skewed workloads",
             "A design that keeps hot keys in memory and lets cold ones drift to disk, and how "
             "the evaluation measures the difference.",
             None),
            ("Paper notes: verifying distributed protocols",
             "How a small team checked a replication protocol against a formal model before "
             "writing the implementation.",
             None),
            ("Paper notes: learned indexes in practice",
             "What happens when index structures are replaced by models trained on the data "
             "they index.",
             None),
            ("Paper notes: scheduling for tail latency",
             "A scheduler that trades a little throughput for much better worst-case response "
             "times.",
             None),
            ("Paper notes: the cost of coordination",
             "Measuring how much of a system's time goes to agreeing with itself.",
             None),
        ],
    },
]

SECOND_PARAGRAPHS = [
    "The short version: start with <code>{code}</code>, read what it prints, and only then "
    "reach for the <a href=\"{site}\">longer write-up</a>.",
    "I tried this first with <code>{code}</code>; the result was <em>not</em> what I "
    "expected, which is usually where the interesting part begins.",
    "A few details are still unclear to me, so treat this as notes rather than a guide. "
    "More in the <a href=\"{site}\">archive</a>.",
    "None of this is new, but writing it down in one place <em>helped</em>. Corrections are "
    "welcome.",
]

MARKER = "<p><em>Placeholder post written for the toluu example site.</em></p>"


def normalize(url):
    """Close to WHATWG/url-crate normalization for the simple URLs used here."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and not ((scheme == "http" and port == 80) or
                                 (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, parts.query, ""))


def file_name_for(url):
    host = urlsplit(url).hostname or "feed"
    host = re.sub(r"[^A-Za-z0-9.-]", "_", host)
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    return f"{host}-{digest}.json"


def iso(dt):
    return None if dt is None else dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def hash_int(*parts):
    data = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")


def slugify(title):
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def post_dates(url, count, start, end):
    """`count` distinct, deterministic times on the days start..=end, newest first."""
    days = (end - start).days + 1
    chosen = []
    salt = 0
    while len(chosen) < count:
        day = hash_int(url, "day", salt) % days
        salt += 1
        if day not in chosen:
            chosen.append(day)
    times = []
    for i, day in enumerate(chosen):
        minute = hash_int(url, "time", i) % (14 * 60)  # 06:00 to 19:59 UTC
        times.append(start + timedelta(days=day, hours=6, minutes=minute))
    return sorted(times, reverse=True)


def content_html(excerpt, code, site, index, plain):
    first = f"<p>{html.escape(excerpt, quote=False)}</p>"
    if plain:
        return f"{first}\n{MARKER}"
    templates = SECOND_PARAGRAPHS if code else SECOND_PARAGRAPHS[2:]
    second = templates[index % len(templates)].format(
        code=html.escape(code or "", quote=False), site=html.escape(site))
    return f"{first}\n<p>{second}</p>\n{MARKER}"


def make_item(feed, title, excerpt, code, published, index):
    site = feed["site_link"]
    if published is not None:
        link = f"{site}{published:%Y/%m}/{slugify(title)}/"
    else:
        link = f"{site}{slugify(title)}/"
    updated = None
    if published is not None and hash_int(feed["url"], "updated", title) % 7 == 0:
        updated = min(published + timedelta(days=2, hours=3), WINDOW_END + timedelta(hours=23))
    item = {
        "id": link,
        "title": title,
        "link": link,
        "published": iso(published),
        "updated": iso(updated),
        "author": None,
        "excerpt": excerpt,
    }
    categories = feed.get("categories", [])
    if index < len(categories) and categories[index]:
        item["categories"] = categories[index]
    item["content_html"] = content_html(excerpt, code, site, index, feed.get("plain", False))
    # First seen by the (hourly-ish) build after it was published; undated posts were there
    # at the first build.
    item["first_seen"] = iso(published + timedelta(minutes=37) if published else WINDOW_START)
    return item


def make_entry(feed):
    url = normalize(feed["url"])
    assert url == feed["url"], f"write {feed['url']} in normalized form ({url})"
    start, end = feed.get("window", (WINDOW_START, WINDOW_END))
    dates = post_dates(url, len(feed["posts"]), start, end)
    items = [make_item(feed, t, e, c, d, i)
             for i, ((t, e, c), d) in enumerate(zip(feed["posts"], dates))]
    if "undated" in feed:
        t, e, c = feed["undated"]
        items.append(make_item(feed, t, e, c, None, len(items)))

    newest = dates[0]
    failed = feed.get("failed")
    etag = None
    last_modified = None
    if feed.get("etag"):
        etag = '"' + hashlib.sha256((url + "etag").encode()).hexdigest()[:16] + '"'
    if feed.get("last_modified"):
        last_modified = format_datetime(newest, usegmt=True)
    if failed:
        fetch = {
            "status": "failed",
            "http_status": failed["http_status"],
            "error": failed["error"],
            "fetched_at": iso(FETCHED_AT),
            "last_success_at": iso(failed["last_success_at"]),
            "etag": etag,
            "last_modified": last_modified,
            "final_url": url,
            "moved_to": None,
            "consecutive_failures": failed["consecutive_failures"],
            "failing_since": iso(failed["failing_since"]),
            "last_failure_at": iso(FETCHED_AT),
            "gone": False,
            "next_fetch_after": None,
            "wait_reason": None,
        }
    else:
        fetch = {
            "status": "ok",
            "http_status": 200,
            "error": None,
            "fetched_at": iso(FETCHED_AT),
            "last_success_at": iso(FETCHED_AT),
            "etag": etag,
            "last_modified": last_modified,
            "final_url": url,
            "moved_to": None,
            "consecutive_failures": 0,
            "failing_since": None,
            "last_failure_at": None,
            "gone": False,
            "next_fetch_after": None,
            "wait_reason": None,
        }
    return {
        "format": FORMAT,
        "url": url,
        "fetch": fetch,
        "feed": {
            "title": feed["title"],
            "site_link": feed["site_link"],
            "description": feed["description"],
            "items": items,
        },
        # Parsed by a toluu that keeps posts' categories (the Joel on Software feed has some).
        "categories_read": True,
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "example-site", ".toluu", "cache")
    os.makedirs(out, exist_ok=True)
    urls = [f["url"] for f in FEEDS]
    assert len(set(urls)) == len(urls), "duplicate feed URL"
    wanted = set()
    for feed in FEEDS:
        entry = make_entry(feed)
        name = file_name_for(entry["url"])
        wanted.add(name)
        text = json.dumps(entry, indent=2, ensure_ascii=False) + "\n"
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    for name in sorted(os.listdir(out)):
        if name.endswith(".json") and name not in wanted:
            os.remove(os.path.join(out, name))
            print(f"removed stale {name}")
    print(f"wrote {len(wanted)} cache files to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
