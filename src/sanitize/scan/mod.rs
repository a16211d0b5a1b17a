//! The visible text of HTML that ammonia wrote, read straight off the markup.
//!
//! ammonia serializes a tree: every element it keeps is closed explicitly, attribute values are
//! double-quoted, text carries no character references but `&amp;`, `&lt;`, `&gt;`, `&quot;`
//! and `&nbsp;`, and there are no comments, scripts or styles. Parsing such markup back gives
//! the tree it was written from, except where the HTML tree builder would move or close
//! elements by itself (a block inside a `<p>`, a `<li>` inside a `<li>`, text inside a
//! `<table>`, …). [`visible_text`] reads the common shapes with a plain scan and gives up
//! (`None`) on everything else, for the caller to parse: its result, when it has one, is the
//! one [`super::visible_text`] gives for the parsed fragment (whitespace collapsed), or a
//! start of it.

mod elements;

use crate::sanitize::scan::elements::{Kind, Open, fits, known};

/// The text being read, whitespace collapsed as it is written, with the tree walk's rule for
/// stopping.
struct Out {
    /// How long the text read so far is, before collapsing (the walk's limit is on that).
    raw_len: usize,
    limit: usize,
    enough_chars: usize,
    /// The start of the collapsed text: words joined by single spaces.
    collapsed: String,
    chars: usize,
    /// Whether whitespace came after the last word (it shows once another word follows).
    space: bool,
}

impl Out {
    /// The walk stops before any node once past the limit; this scan stops too once the
    /// collapsed text has more than `enough_chars` characters, the most a caller looks at.
    fn full(&self) -> bool {
        self.raw_len > self.limit || self.chars > self.enough_chars
    }

    fn push(&mut self, text: &str) {
        self.raw_len += text.len();
        for c in text.chars() {
            if self.chars > self.enough_chars {
                return;
            }
            if c.is_whitespace() {
                self.space = true;
            } else {
                if self.space && self.chars > 0 {
                    self.collapsed.push(' ');
                    self.chars += 1;
                }
                self.space = false;
                self.collapsed.push(c);
                self.chars += 1;
            }
        }
    }
}

/// The start of the visible text of `html`, whitespace collapsed, as [`super::visible_text`]
/// gives it for the parsed fragment with this `limit`: all of it, or more than
/// `enough_chars` characters of it. Also whether the reading went past the limit (and so
/// stopped there). `None` when the markup is not in a shape this scan is sure of.
pub(super) fn visible_text_start(
    html: &str,
    limit: usize,
    enough_chars: usize,
) -> Option<(String, bool)> {
    let mut scan = Scan {
        out: Out {
            raw_len: 0,
            limit,
            enough_chars,
            collapsed: String::new(),
            chars: 0,
            space: false,
        },
        stack: Vec::new(),
        open: Open::default(),
    };
    // The fragment's root element is a block.
    scan.out.push(" ");
    let mut at = 0;
    while at < html.len() {
        if scan.out.full() {
            return scan.stop();
        }
        if html.as_bytes()[at] != b'<' {
            at = scan.text(html, at)?;
            continue;
        }
        let (tag, end) = read_tag(html, at)?;
        at = end;
        match tag {
            Tag::End(name) => scan.end(name)?,
            Tag::Start(name) => {
                let (name, kind) = scan.start(name)?;
                if !kind.is(Kind::VOID) {
                    at = scan.enter(name, kind, html, at);
                    continue;
                }
                // Its end, with nothing in between.
                if scan.out.full() {
                    return scan.stop();
                }
                if !kind.is(Kind::INLINE) {
                    scan.out.push(" ");
                }
            }
        }
    }
    scan.finish()
}

/// The scan so far: the text read, and the elements open.
struct Scan {
    out: Out,
    stack: Vec<(&'static str, Kind)>,
    open: Open,
}

impl Scan {
    /// Reads the text at `at`, up to the next tag; returns where that tag starts.
    fn text(&mut self, html: &str, at: usize) -> Option<usize> {
        let end = html[at..].find('<').map_or(html.len(), |i| at + i);
        let text = &html[at..end];
        if self
            .stack
            .last()
            .is_some_and(|(_, k)| k.is(Kind::TABLE_CONTEXT))
            && !text
                .bytes()
                .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0C'))
        {
            return None;
        }
        push_text(&mut self.out, text)?;
        Some(end)
    }

    /// Closes element `name`, which must be the one open last.
    fn end(&mut self, name: &str) -> Option<()> {
        let (_, kind) = self.stack.pop().filter(|(open, _)| *open == name)?;
        if let Some(count) = self.open.count(name) {
            *count -= 1;
        }
        if !kind.is(Kind::INLINE) {
            self.out.push(" ");
        }
        Some(())
    }

    /// Starts element `name`, if the scan knows it and the parser would leave it where it
    /// stands; returns its name and kind.
    fn start(&mut self, name: &str) -> Option<(&'static str, Kind)> {
        let (name, kind) = known(name)?;
        let top = self.stack.last().copied();
        if !fits(name, kind, top, &self.open) {
            return None;
        }
        if !kind.is(Kind::INLINE) {
            self.out.push(" ");
        }
        Some((name, kind))
    }

    /// Opens element `name` (not a void one), whose start tag ends at `at`; returns where its
    /// content starts.
    fn enter(&mut self, name: &'static str, kind: Kind, html: &str, at: usize) -> usize {
        self.stack.push((name, kind));
        if let Some(count) = self.open.count(name) {
            *count += 1;
        }
        // The parser drops a newline right after `<pre>`.
        if name == "pre" && html.as_bytes().get(at) == Some(&b'\n') {
            at + 1
        } else {
            at
        }
    }

    /// The text read, stopping where the scan is.
    fn stop(self) -> Option<(String, bool)> {
        // Stopping inside a table is not safe: text after this point may be moved before it.
        (!self.open.in_table()).then_some((self.out.collapsed, self.out.raw_len > self.out.limit))
    }

    /// The text read, at the end of the markup.
    fn finish(mut self) -> Option<(String, bool)> {
        if !self.stack.is_empty() {
            return None;
        }
        if !self.out.full() {
            self.out.push(" ");
        }
        Some((self.out.collapsed, self.out.raw_len > self.out.limit))
    }
}

enum Tag<'a> {
    Start(&'a str),
    End(&'a str),
}

/// The tag at `at` (a `<`) and the index past it: `</name>`, or `<name>` with any number of
/// ` attr="value"`. Anything else is `None`.
fn read_tag(html: &str, at: usize) -> Option<(Tag<'_>, usize)> {
    let bytes = html.as_bytes();
    let closing = bytes.get(at + 1) == Some(&b'/');
    let name_start = at + 1 + usize::from(closing);
    let name_len = bytes[name_start..]
        .iter()
        .position(|b| !b.is_ascii_lowercase() && !b.is_ascii_digit())?;
    if name_len == 0 {
        return None;
    }
    let name = &html[name_start..name_start + name_len];
    let mut i = name_start + name_len;
    if closing {
        return (bytes.get(i) == Some(&b'>')).then_some((Tag::End(name), i + 1));
    }
    loop {
        match bytes.get(i)? {
            b'>' => return Some((Tag::Start(name), i + 1)),
            b' ' => {
                let rest = &bytes[i + 1..];
                let eq = rest
                    .iter()
                    .position(|&b| matches!(b, b'=' | b' ' | b'>' | b'"' | b'<' | b'/'))?;
                if eq == 0 || rest[eq] != b'=' || rest.get(eq + 1) != Some(&b'"') {
                    return None;
                }
                let close = html[i + 1 + eq + 2..].find('"')?;
                i += 1 + eq + 2 + close + 1;
            }
            _ => return None,
        }
    }
}

/// The character references ammonia writes in text.
const REFERENCES: [(&str, &str); 5] = [
    ("&amp;", "&"),
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", "\""),
    ("&nbsp;", "\u{a0}"),
];

/// Appends the text, with the character references ammonia writes decoded; `None` at any
/// other reference, or at a character the parser would change (CR, NUL).
fn push_text(out: &mut Out, text: &str) -> Option<()> {
    let mut rest = text;
    while let Some(i) = rest.bytes().position(|b| matches!(b, b'&' | b'\r' | b'\0')) {
        out.push(&rest[..i]);
        let after = &rest[i..];
        let (reference, decoded) = REFERENCES.iter().find(|(r, _)| after.starts_with(r))?;
        out.push(decoded);
        rest = &after[reference.len()..];
    }
    out.push(rest);
    Some(())
}
