//! Turning hostile feed HTML and text into something safe to put on a page.
//!
//! HTML goes through ammonia with relative URLs rewritten against the item's base URL and only
//! `http(s)` URLs allowed; titles and names are reduced to plain text (the templates escape it).

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use scraper::Html;
use url::Url;

/// The `rel` every external link gets.
pub const LINK_REL: &str = "noopener nofollow ugc";

static SCHEMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| HashSet::from(["http", "https"]));

/// Sanitizes a piece of feed HTML: no scripts, event handlers, styles, forms, frames or
/// non-`http(s)` URLs. Relative `href`/`src` are made absolute against `base` (or removed when
/// there is no base).
pub fn clean_html(html: &str, base: Option<&Url>) -> String {
    let mut builder = Builder::default();
    builder
        .url_schemes(SCHEMES.clone())
        .link_rel(Some(LINK_REL))
        .url_relative(match base {
            Some(base) => UrlRelative::RewriteWithBase(base.clone()),
            None => UrlRelative::Deny,
        });
    builder.clean(html).to_string()
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
/// whitespace: `Caf&eacute; <b>time</b>` becomes `Café time`.
pub fn plain_text(text: &str) -> String {
    if !text.contains(['<', '&']) {
        return collapse_whitespace(text);
    }
    let fragment = Html::parse_fragment(text);
    // The code inside `<script>` or `<style>` is not text anyone meant to show.
    let joined: String = fragment
        .root_element()
        .descendants()
        .filter(|node| {
            !node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style" | "template"))
            })
        })
        .filter_map(|node| node.value().as_text().map(|t| &**t))
        .collect();
    collapse_whitespace(&joined)
}

/// The visible text of a (sanitized) HTML fragment, cut to about `max_chars` at a word
/// boundary, with an ellipsis when cut.
pub fn excerpt(html: &str, max_chars: usize) -> String {
    let fragment = Html::parse_fragment(html);
    let mut text = String::new();
    for piece in fragment.root_element().text() {
        text.push_str(piece);
        text.push(' ');
        if text.len() > max_chars * 8 {
            break;
        }
    }
    truncate_words(&collapse_whitespace(&text), max_chars)
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
            plain_text("Quay <script>alert('x')</script><style>p{}</style>Watch"),
            "Quay Watch"
        );
    }

    #[test]
    fn excerpt_cuts_at_a_word() {
        let e = excerpt("<p>one two three four five six</p>", 12);
        assert_eq!(e, "one two…");
    }
}
