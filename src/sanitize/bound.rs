//! Bounding the work the HTML tree builder does for one piece of feed HTML, before it sees it.
//!
//! html5ever's tree builder walks its stack of open elements for many tags, so a document
//! nested thousands deep costs time quadratic in its depth (20 000 nested `<div>`s took
//! minutes). Before parsing, [`bounded`] reads the markup once, without building anything,
//! and cuts it at the first tag past any bound: nesting depth, element count, size. A cut
//! falls between two tags, never inside one; the parser then closes what is open, so the
//! result is well-formed HTML holding everything up to the cut.

/// The deepest nesting kept; real posts rarely nest 30 deep.
pub const MAX_DEPTH: usize = 128;
/// The most elements kept of one piece of HTML.
pub const MAX_ELEMENTS: usize = 20_000;
/// The most bytes kept of one piece of HTML.
pub const MAX_BYTES: usize = 1 << 20;

/// Elements without content: they never nest.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements a parser closes by itself when the next of their kind (or their parent's end)
/// comes: `<p><p><p>` is three paragraphs side by side, not nested, so they do not count
/// towards the depth.
const SELF_CLOSING_SIBLINGS: [&str; 14] = [
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rt",
    "rp",
];

/// The start of `html` that stays within [`MAX_DEPTH`], [`MAX_ELEMENTS`] and [`MAX_BYTES`]:
/// all of it when it does.
pub fn bounded(html: &str) -> &str {
    if html.len() <= 4096 && html.matches('<').count() <= MAX_DEPTH {
        return html;
    }
    let bytes = html.as_bytes();
    let (mut depth, mut elements, mut at) = (0usize, 0usize, 0usize);
    // Where the last tag began: a cut for size falls in text, never inside a tag.
    let mut last_tag = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + found;
        if start > MAX_BYTES {
            return cut(html, if at > MAX_BYTES { last_tag } else { MAX_BYTES });
        }
        let Some(tag) = Tag::read(html, start) else {
            at = start + 1;
            continue;
        };
        match tag.kind {
            Kind::Open(counts) => {
                elements += 1;
                depth += usize::from(counts);
                if depth > MAX_DEPTH || elements > MAX_ELEMENTS {
                    return cut(html, start);
                }
            }
            Kind::Close(counts) => depth = depth.saturating_sub(usize::from(counts)),
            Kind::Other => {}
        }
        last_tag = start;
        at = tag.end;
    }
    if html.len() > MAX_BYTES {
        return cut(html, if at > MAX_BYTES { last_tag } else { MAX_BYTES });
    }
    html
}

/// `html` up to `at`, moved back to a character boundary.
fn cut(html: &str, mut at: usize) -> &str {
    at = at.min(html.len());
    while !html.is_char_boundary(at) {
        at -= 1;
    }
    &html[..at]
}

enum Kind {
    /// A start tag; whether it nests (not void, not self-closed, not a sibling-closing one).
    Open(bool),
    /// An end tag; whether its element nests.
    Close(bool),
    /// A comment, doctype or processing instruction.
    Other,
}

struct Tag {
    kind: Kind,
    /// The byte just past the tag.
    end: usize,
}

impl Tag {
    /// The tag starting at `start` (a `<`), when one does; `None` for a `<` that is text.
    fn read(html: &str, start: usize) -> Option<Tag> {
        let rest = &html[start + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            let end = comment
                .find("-->")
                .map_or(html.len(), |i| start + 4 + i + 3);
            return Some(Tag {
                kind: Kind::Other,
                end,
            });
        }
        if rest.starts_with(['!', '?']) {
            let end = rest.find('>').map_or(html.len(), |i| start + 1 + i + 1);
            return Some(Tag {
                kind: Kind::Other,
                end,
            });
        }
        let (closing, name_at) = match rest.strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let name_len = name_at
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b':')
            .count();
        if name_len == 0 || !name_at.as_bytes()[0].is_ascii_alphabetic() {
            return None;
        }
        let name = name_at[..name_len].to_ascii_lowercase();
        let after_name = start + 1 + usize::from(closing) + name_len;
        let (end, self_closed) = tag_end(html, after_name);
        let nests =
            !VOID.contains(&name.as_str()) && !SELF_CLOSING_SIBLINGS.contains(&name.as_str());
        let kind = if closing {
            Kind::Close(nests)
        } else {
            Kind::Open(nests && !self_closed)
        };
        Some(Tag { kind, end })
    }
}

/// Where the tag whose attributes start at `from` ends (past its `>`, quotes respected), and
/// whether it ends with `/>`.
fn tag_end(html: &str, from: usize) -> (usize, bool) {
    let bytes = html.as_bytes();
    let mut quote = None;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return (i + 1, i > from && bytes[i - 1] == b'/'),
            None => {}
        }
        i += 1;
    }
    (bytes.len(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_html_is_kept_whole() {
        let html = "<p>One <b>two</b><br><img src=x alt='a > b'></p><p>three".repeat(500);
        assert_eq!(bounded(&html), html);
        let paragraphs = "<p>unclosed paragraph ".repeat(5000);
        assert_eq!(bounded(&paragraphs), paragraphs, "siblings do not nest");
    }

    #[test]
    fn deep_nesting_is_cut_at_the_bound() {
        let html = format!("{}text{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
        let kept = bounded(&html);
        assert_eq!(kept, "<div>".repeat(MAX_DEPTH));
    }

    #[test]
    fn many_elements_and_many_bytes_are_cut() {
        let html = "<span>x</span>".repeat(MAX_ELEMENTS + 10);
        assert_eq!(bounded(&html).matches("<span>").count(), MAX_ELEMENTS);
        let text = format!("<p>{}</p>", "é".repeat(MAX_BYTES));
        let kept = bounded(&text);
        assert!(kept.len() <= MAX_BYTES && kept.len() > MAX_BYTES - 4);
    }

    #[test]
    fn comments_and_quoted_brackets_are_not_tags() {
        let html = format!(
            "<!-- {} --><a title=\"<div><div>\">x</a>{}",
            "<div>".repeat(1000),
            "<i>y</i>".repeat(1000)
        );
        assert_eq!(bounded(&html), html);
    }
}
