//! Turning hostile feed HTML and text into something safe to put on a page.
//!
//! HTML goes through ammonia with relative URLs rewritten against the item's base URL and only
//! `http(s)` URLs allowed; titles and names are reduced to plain text (the templates escape it).

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use scraper::{Html, Node};
use url::Url;

/// The `rel` every external link gets.
pub const LINK_REL: &str = "noopener nofollow ugc";

static SCHEMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| HashSet::from(["http", "https"]));

/// Sanitizes a piece of feed HTML: no scripts, event handlers, styles, forms, frames or
/// non-`http(s)` URLs. Relative `href`/`src` are made absolute against `base` (or removed when
/// there is no base).
pub fn clean_html(html: &str, base: Option<&Url>) -> String {
    thread_local! {
        // The policy's sets of tags and attributes are built once per thread, not per item:
        // building them cost as much as cleaning a short item.
        static BUILDER: std::cell::RefCell<Builder<'static>> = std::cell::RefCell::new({
            let mut builder = Builder::default();
            builder.url_schemes(SCHEMES.clone()).link_rel(Some(LINK_REL));
            builder
        });
    }
    BUILDER.with_borrow_mut(|builder| {
        builder.url_relative(match base {
            Some(base) => UrlRelative::RewriteWithBase(base.clone()),
            None => UrlRelative::Deny,
        });
        builder.clean(html).to_string()
    })
}

/// Sanitizes markdown-rendered HTML written by the site's own people (bios, notes, pages):
/// the same policy, relative links allowed as written.
pub fn clean_local_html(html: &str) -> String {
    let mut builder = Builder::default();
    builder
        .url_schemes(SCHEMES.clone())
        .link_rel(Some(LINK_REL))
        .url_relative(UrlRelative::PassThrough);
    builder.clean(html).to_string()
}

/// Reduces a title or name that may carry markup and entities to plain text with collapsed
/// whitespace: `Caf&eacute; <b>time</b>` becomes `Café time`. The code inside `<script>` or
/// `<style>` is not text anyone should see, so it goes too.
pub fn plain_text(text: &str) -> String {
    if !text.contains(['<', '&']) {
        return collapse_whitespace(text);
    }
    collapse_whitespace(&visible_text(&Html::parse_fragment(text), usize::MAX))
}

/// The visible text of a (sanitized) HTML fragment, cut to about `max_chars` at a word
/// boundary, with an ellipsis when cut.
pub fn excerpt(html: &str, max_chars: usize) -> String {
    let text = visible_text(&Html::parse_fragment(html), max_chars.saturating_mul(8));
    truncate_words(&collapse_whitespace(&text), max_chars)
}

/// [`excerpt`], reading only the start of a long fragment: the visible text of the first
/// bytes is the start of the whole's (sanitized HTML parses back to the tree it came from, and
/// a cut tag or entity only touches the end), so when that start alone is longer than the
/// excerpt, the excerpt is the same. Otherwise the whole fragment is read.
pub fn excerpt_of_start(html: &str, max_chars: usize) -> String {
    // Room past the excerpt for what a cut tag or entity leaves at the end of the text.
    const MARGIN: usize = 64;
    let mut end = max_chars.saturating_add(MARGIN).saturating_mul(4);
    if html.len() > end {
        while !html.is_char_boundary(end) {
            end -= 1;
        }
        let limit = max_chars.saturating_mul(8);
        let text = collapse_whitespace(&visible_text(&Html::parse_fragment(&html[..end]), limit));
        if text.chars().count() > max_chars.saturating_add(MARGIN) {
            return truncate_words(&text, max_chars);
        }
    }
    excerpt(html, max_chars)
}

/// Elements whose content is not visible text.
const HIDDEN: [&str; 6] = [
    "script", "style", "noscript", "template", "iframe", "object",
];

/// Elements that flow within a line: no space is added around their text.
const INLINE: [&str; 27] = [
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
    "u",
];

/// The text of a document as a reader sees it: inline elements run on (`sea <a>wall</a>.` is
/// `sea wall.`), other elements are separated by a space (`<p>a</p><p>b</p>` is `a b`), hidden
/// elements are skipped. Stops once past `limit` bytes. Walks with its own stack, so that
/// deeply nested hostile markup cannot overflow the call stack.
fn visible_text(doc: &Html, limit: usize) -> String {
    enum Step<N> {
        Enter(N),
        Leave(bool),
    }
    let mut out = String::new();
    let mut stack = vec![Step::Enter(*doc.root_element())];
    while let Some(step) = stack.pop() {
        if out.len() > limit {
            break;
        }
        let node = match step {
            Step::Leave(block) => {
                if block {
                    out.push(' ');
                }
                continue;
            }
            Step::Enter(node) => node,
        };
        match node.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(element) => {
                let name = element.name();
                if HIDDEN.contains(&name) {
                    continue;
                }
                let block = !INLINE.contains(&name);
                if block {
                    out.push(' ');
                }
                stack.push(Step::Leave(block));
                stack.extend(node.children().rev().map(Step::Enter));
            }
            _ => {}
        }
    }
    out
}

/// Cuts `text` to at most `max_chars` characters at a word boundary, adding `…` when cut.
pub fn truncate_words(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max_chars / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == '.')
    )
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_scripts_handlers_and_bad_urls() {
        let base = Url::parse("https://blog.example.com/posts/a.html").unwrap();
        let out = clean_html(
            r#"<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">j</a>
            <img src="img/p.png" onerror="x()"><a href="../about.html">about</a>
            <iframe src="https://evil.example/"></iframe><form action="/x"><input></form></p>"#,
            Some(&base),
        );
        assert!(!out.contains("script"), "{out}");
        assert!(
            !out.contains("onclick") && !out.contains("onerror"),
            "{out}"
        );
        assert!(!out.contains("javascript:"), "{out}");
        assert!(!out.contains("iframe") && !out.contains("form"), "{out}");
        assert!(
            out.contains(r#"src="https://blog.example.com/posts/img/p.png""#),
            "{out}"
        );
        assert!(
            out.contains(r#"href="https://blog.example.com/about.html""#),
            "{out}"
        );
        assert!(out.contains(r#"rel="noopener nofollow ugc""#), "{out}");
    }

    #[test]
    fn plain_text_decodes_entities_and_drops_markup() {
        assert_eq!(
            plain_text("Caf&eacute;&nbsp;time &mdash; <b>now</b>"),
            "Café time — now"
        );
        assert_eq!(plain_text("Fish &amp; Chips"), "Fish & Chips");
        assert_eq!(plain_text("  a \n b "), "a b");
        assert_eq!(
            plain_text("Pier <script>alert(1)</script><b>report</b><style>b{}</style> today"),
            "Pier report today"
        );
        assert_eq!(
            plain_text("one<br>two<p>three</p>four"),
            "one two three four"
        );
    }

    #[test]
    fn excerpt_of_start_is_the_excerpt() {
        let words = [
            "sea",
            "wall",
            "caf&eacute;",
            "a&amp;b",
            "&lt;tag&gt;",
            "x&CounterClockwiseContourIntegral;",
        ];
        let tags = [
            "p",
            "em",
            "a href=\"https://e.example/\"",
            "ul><li",
            "blockquote",
            "code",
        ];
        for seed in 0..60usize {
            let mut html = String::new();
            let mut n = seed as u64;
            for i in 0..(seed * 37 % 900 + 10) {
                n = n
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let tag = tags[(n >> 33) as usize % tags.len()];
                let name = tag.split([' ', '>']).next().unwrap_or("p");
                if i % 7 == 0 {
                    html.push_str(&format!("<{tag}>"));
                }
                html.push_str(words[(n >> 40) as usize % words.len()]);
                html.push(if n >> 50 & 1 == 0 { ' ' } else { '\n' });
                if i % 7 == 3 {
                    html.push_str(&format!("</{name}>"));
                }
            }
            for max in [20, 100, 280, 320] {
                assert_eq!(excerpt_of_start(&html, max), excerpt(&html, max), "{html}");
            }
        }
    }

    #[test]
    fn excerpt_cuts_at_a_word() {
        let e = excerpt("<p>one two three four five six</p>", 12);
        assert_eq!(e, "one two…");
        let e = excerpt(
            "<p>up to the <a href=\"x\">sea wall</a>.</p><p>Next</p>",
            100,
        );
        assert_eq!(e, "up to the sea wall. Next");
    }
}
