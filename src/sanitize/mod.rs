//! Turning hostile feed HTML and text into something safe to put on a page, once, when a feed
//! is parsed: the parse stage hands on only what passed through here.
//!
//! HTML goes through ammonia with relative URLs rewritten against the item's base URL and only
//! `http(s)` URLs allowed; titles and names are reduced to plain text (the templates escape it).
//! Every piece of feed HTML is [`bound::bounded`] first, so that no document makes the tree
//! builder slow. All of it runs once per item, when it is parsed; rendering parses no feed
//! HTML.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use scraper::{Html, Node};
use url::Url;

pub mod bound;
mod scan;

/// The `rel` every external link gets.
pub const LINK_REL: &str = "noopener nofollow ugc";

static SCHEMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| HashSet::from(["http", "https"]));

/// Sanitizes a piece of feed HTML: no scripts, event handlers, styles, forms, frames or
/// non-`http(s)` URLs. Relative `href`/`src` are made absolute against `base` (or removed when
/// there is no base).
pub fn clean_html(html: &str, base: Option<&Url>) -> String {
    // Bounded before the tree builder sees it: depth, element count and size.
    let html = bound::bounded(html);
    if is_inert_text(html) {
        return html.to_owned();
    }
    ammonia_clean(html, base)
}

/// [`clean_html`], always through ammonia.
fn ammonia_clean(html: &str, base: Option<&Url>) -> String {
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
        serialize(&builder.clean(html))
    })
}

/// Whether ammonia gives `text` back unchanged: text without markup, character references or
/// anything its parser or serializer rewrites (CR, NUL, a leading byte order mark; `>` and
/// no-break spaces, which come out escaped). Such text, most plain-text summaries, needs no
/// parse.
fn is_inert_text(text: &str) -> bool {
    !text
        .bytes()
        .any(|b| matches!(b, b'<' | b'&' | b'>' | b'\r' | b'\0'))
        && !text.contains('\u{a0}')
        && !text.starts_with('\u{feff}')
}

/// A cleaned document as HTML, written straight into the string's buffer.
fn serialize(doc: &ammonia::Document) -> String {
    let mut out = Vec::new();
    doc.write_to(&mut out)
        .expect("writing to memory does not fail");
    String::from_utf8(out).expect("html5ever writes UTF-8")
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
    let text = bound::bounded(text);
    collapse_whitespace(&visible_text(&Html::parse_fragment(text), usize::MAX))
}

/// Whether sanitized `content_html` has more text than its item's `excerpt` shows: the feed
/// publishes full content (or at least a longer summary), worth a "read more". Decided once,
/// when the item is parsed (see [`crate::model::Item::has_more`]).
pub fn shows_more(content_html: &str, excerpt: &str) -> bool {
    let excerpt = excerpt.trim_end_matches('…');
    let text = excerpt_of_start(content_html, excerpt.chars().count() + 40);
    text.chars().count() > excerpt.chars().count() + 20
}

/// The visible text of a (sanitized) HTML fragment, cut to about `max_chars` at a word
/// boundary, with an ellipsis when cut.
pub fn excerpt(html: &str, max_chars: usize) -> String {
    scanned_excerpt(html, max_chars).unwrap_or_else(|| parsed_excerpt(html, max_chars))
}

/// [`excerpt`], always through the HTML parser.
fn parsed_excerpt(html: &str, max_chars: usize) -> String {
    let text = visible_text(&Html::parse_fragment(html), excerpt_limit(max_chars));
    truncate_words(&collapse_start(&text, max_chars), max_chars)
}

/// How many bytes of visible text an excerpt of `max_chars` reads at most.
fn excerpt_limit(max_chars: usize) -> usize {
    max_chars.saturating_mul(8)
}

/// [`excerpt`] without parsing, for HTML as ammonia writes it (see [`scan`]); `None` when the
/// markup is not in a shape the scan is sure of, or when the text read up to the limit is so
/// thin (mostly whitespace) that where exactly the reading stopped could matter.
fn scanned_excerpt(html: &str, max_chars: usize) -> Option<String> {
    let limit = excerpt_limit(max_chars);
    let (start, past_limit) = scan::visible_text_start(html, limit, max_chars)?;
    if past_limit && start.chars().count() <= max_chars {
        return None;
    }
    Some(truncate_words(&start, max_chars))
}

/// The start of [`collapse_whitespace`]`(text)`: enough of it (`max_chars` and one more) for
/// [`truncate_words`] to give what it gives for the whole.
fn collapse_start(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > max_chars {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += word.chars().count();
    }
    out
}

/// [`excerpt`], reading only the start of a long fragment: the visible text of the first
/// bytes is the start of the whole's (sanitized HTML parses back to the tree it came from, and
/// a cut tag or entity only touches the end), so when that start alone is longer than the
/// excerpt, the excerpt is the same. Not so for a start holding a `<table>`, whose later text
/// the parser may move before it: then, as when the start is too short, the whole fragment is
/// read.
pub fn excerpt_of_start(html: &str, max_chars: usize) -> String {
    // The scan reads no further than the excerpt needs anyway.
    if let Some(excerpt) = scanned_excerpt(html, max_chars) {
        return excerpt;
    }
    // Room past the excerpt for what a cut tag or entity leaves at the end of the text.
    const MARGIN: usize = 64;
    let mut end = max_chars.saturating_add(MARGIN).saturating_mul(4);
    if html.len() > end {
        while !html.is_char_boundary(end) {
            end -= 1;
        }
        if html[..end].contains("<table") {
            return parsed_excerpt(html, max_chars);
        }
        let limit = max_chars.saturating_mul(8);
        let text = collapse_whitespace(&visible_text(&Html::parse_fragment(&html[..end]), limit));
        if text.chars().count() > max_chars.saturating_add(MARGIN) {
            return truncate_words(&text, max_chars);
        }
    }
    parsed_excerpt(html, max_chars)
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

    /// A small deterministic generator for the tests below.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) as usize % n
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len())]
        }
    }

    #[test]
    fn inert_text_is_what_ammonia_gives_back() {
        let pieces = [
            "a", "word", " ", "  ", "\n", "\t", "\x0C", "\r", "\r\n", "\0", "\x01", "\x7f", "é",
            "\u{a0}", "\u{feff}", "\u{2028}", "\u{fffd}", "—", "\"", "'", "=", "/", "<", ">", "&",
            "&amp;", "<b>", "😀",
        ];
        let base = Url::parse("https://e.example/a/").unwrap();
        let mut rng = Lcg(7);
        let mut inert = 0;
        for _ in 0..3000 {
            let text: String = (0..rng.below(12)).map(|_| rng.pick(&pieces)).collect();
            inert += usize::from(is_inert_text(&text));
            assert_eq!(
                clean_html(&text, Some(&base)),
                ammonia_clean(&text, Some(&base)),
                "{text:?}"
            );
        }
        assert!(inert > 300, "the fast path was taken {inert} times");
    }

    /// The excerpt as it was made before the scan: parse, walk, collapse, cut.
    fn reference_excerpt(html: &str, max_chars: usize) -> String {
        let text = visible_text(&Html::parse_fragment(html), excerpt_limit(max_chars));
        truncate_words(&collapse_whitespace(&text), max_chars)
    }

    #[test]
    fn scanned_excerpt_is_the_parsed_one() {
        // Feed HTML, sloppy and hostile: misnested and implicitly closed elements, tables
        // with stray text, elements ammonia drops (keeping or not their content), references.
        let open = [
            "<p>",
            "<p>",
            "<div>",
            "<b>",
            "<i>",
            "<em>",
            "<a href=\"x.html\">",
            "<a href=\"/y\">",
            "<span>",
            "<ul>",
            "<ol>",
            "<li>",
            "<li>",
            "<dl>",
            "<dd>",
            "<dt>",
            "<h1>",
            "<h2>",
            "<blockquote>",
            "<pre>",
            "<pre>\n",
            "<code>",
            "<table>",
            "<tbody>",
            "<thead>",
            "<tfoot>",
            "<tr>",
            "<td>",
            "<th>",
            "<caption>",
            "<colgroup>",
            "<col>",
            "<ruby>",
            "<rt>",
            "<rp>",
            "<rtc>",
            "<tt>",
            "<button>",
            "<form>",
            "<svg>",
            "<math>",
            "<select>",
            "<option>",
            "<template>",
            "<font>",
            "<big>",
            "<nobr>",
            "<center>",
            "<details>",
            "<summary>",
            "<figure>",
            "<figcaption>",
            "<sub>",
            "<q>",
            "<abbr title=\"t\">",
            "<img src=\"i.png\" alt=\"a>b\">",
            "<br>",
            "<hr>",
            "<wbr>",
            "<textarea>",
            "<xmp>",
            "<noscript>",
            "<iframe>",
            "<object>",
        ];
        let close = [
            "</p>",
            "</div>",
            "</b>",
            "</i>",
            "</em>",
            "</a>",
            "</span>",
            "</ul>",
            "</ol>",
            "</li>",
            "</dl>",
            "</dd>",
            "</dt>",
            "</h1>",
            "</h2>",
            "</blockquote>",
            "</pre>",
            "</code>",
            "</table>",
            "</tbody>",
            "</tr>",
            "</td>",
            "</th>",
            "</caption>",
            "</ruby>",
            "</rt>",
            "</tt>",
            "</button>",
            "</form>",
            "</svg>",
            "</select>",
            "</template>",
            "</font>",
            "</nobr>",
            "</textarea>",
            "</iframe>",
        ];
        let text = [
            "sea",
            "wall",
            " ",
            "\n  ",
            "\t",
            "   \n\n   ",
            "caf&eacute;",
            "a&amp;b",
            "&lt;tag&gt;",
            "&nbsp;",
            "x&#8217;s",
            "&#0;",
            "\r\n",
            "\r",
            "\0",
            "<!-- c -->",
            "<![CDATA[d]]>",
            "<script>alert(1)</script>",
            "<style>p{}</style>",
            "é",
            "😀",
            "&",
            "a < b",
            "&amp",
            "\u{a0}",
            "\u{3000}",
            "long-word-without-any-break",
        ];
        let base = Url::parse("https://e.example/a/").unwrap();
        let mut rng = Lcg(1);
        let (mut scanned, mut cases) = (0, 0);
        for round in 0..1500 {
            let mut html = String::new();
            let pieces = [8, 40, 200, 900][round % 4];
            for _ in 0..rng.below(pieces) + 1 {
                html.push_str(match rng.below(10) {
                    0..=2 => rng.pick(&open),
                    3..=4 => rng.pick(&close),
                    _ => rng.pick(&text),
                });
            }
            if round % 7 == 0 {
                html.push_str(&" ".repeat(rng.below(3000)));
                html.push_str(&"word ".repeat(rng.below(200)));
            }
            let clean = ammonia_clean(&html, Some(&base));
            for max in [5, 40, 280] {
                cases += 1;
                scanned += usize::from(scanned_excerpt(&clean, max).is_some());
                assert_eq!(
                    excerpt(&clean, max),
                    reference_excerpt(&clean, max),
                    "max {max}, cleaned {clean:?} from {html:?}"
                );
                assert_eq!(excerpt_of_start(&clean, max), excerpt(&clean, max));
            }
        }
        assert!(
            scanned * 3 > cases,
            "the scan applied in {scanned} of {cases} cases"
        );
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
