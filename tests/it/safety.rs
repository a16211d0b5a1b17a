//! The invariants every page the build writes must hold, whatever the feeds contained:
//! no script but the theme's own, no event handler, no page-level element a feed could use
//! to take over the page, and only `http(s)` or relative URLs in links and image sources.
//! Atom and OPML outputs must be well-formed XML whose URLs and embedded HTML obey the same.

use scraper::{Html, node::Node};

/// Attributes whose value a browser loads or navigates to.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "srcset",
    "xlink:href",
    "background",
    "cite",
    "data",
    "longdesc",
    "ping",
    "manifest",
    "icon",
    "lowsrc",
    "dynsrc",
    "xmlurl",
    "htmlurl",
    "url",
];

/// Elements no feed may bring onto a page.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base", "svg", "math",
    "style", "video", "audio", "link",
];

/// Every rule `path` breaks, in words; empty when the file is safe.
pub fn violations(path: &str, bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    if path.ends_with(".html") {
        html_violations(&text, true)
            .into_iter()
            .map(|v| format!("{path}: {v}"))
            .collect()
    } else if path.ends_with(".xml") || path.ends_with(".opml") {
        xml_violations(&text)
            .into_iter()
            .map(|v| format!("{path}: {v}"))
            .collect()
    } else {
        Vec::new()
    }
}

/// Whether a URL attribute value is `http(s)`, or relative (no scheme at all), as a browser
/// would read it: leading spaces and control characters, and tabs and newlines anywhere,
/// are ignored by URL parsers.
pub fn url_is_safe(value: &str) -> bool {
    let cleaned: String = value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find(':') {
        None => true,
        Some(colon) => {
            let before = &cleaned[..colon];
            let is_scheme = before
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && before
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            // A colon after a '/', '?' or '#' is not a scheme separator.
            !is_scheme || before == "http" || before == "https"
        }
    }
}

/// Whether an attribute's URL(s) are safe; `srcset` holds "url 1x, url 2x".
fn attribute_is_safe(attr: &str, value: &str) -> bool {
    if attr == "srcset" {
        value
            .split(',')
            .all(|c| url_is_safe(c.split_whitespace().next().unwrap_or("")))
    } else {
        url_is_safe(value)
    }
}

/// Rules for an HTML document (`document`) or a fragment of feed HTML.
pub fn html_violations(html: &str, document: bool) -> Vec<String> {
    let parsed = if document {
        Html::parse_document(html)
    } else {
        Html::parse_fragment(html)
    };
    let mut found = Vec::new();
    for node in parsed.tree.nodes() {
        let Node::Element(element) = node.value() else {
            continue;
        };
        let name = element.name();
        let in_head = node
            .ancestors()
            .any(|a| a.value().as_element().is_some_and(|e| e.name() == "head"));
        match name {
            "script" => {
                let theme_script = document
                    && element.attr("src").is_some_and(|s| s.ends_with("theme.js"))
                    && node.children().next().is_none();
                if !theme_script {
                    found.push(format!(
                        "a <script> element: {}",
                        scraper::ElementRef::wrap(node)
                            .map(|e| e.html())
                            .unwrap_or_default()
                    ));
                }
            }
            "meta" if element.attr("http-equiv").is_some() => {
                found.push("a <meta http-equiv>".to_owned());
            }
            // The theme's own search box: a form that goes to a page of the site (relative
            // action), never one from a feed (feed HTML cannot carry forms at all).
            "form"
                if document
                    && element.attr("class") == Some("site-search")
                    && element.attr("action").is_some_and(|a| !a.contains(':')) => {}
            // The theme's own stylesheet and icon links live in <head>.
            "link" | "style" if document && in_head => {}
            _ if FORBIDDEN_ELEMENTS.contains(&name) => {
                found.push(format!("a <{name}> element"));
            }
            _ => {}
        }
        for (attr, value) in element.attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                found.push(format!("an event handler {attr}=\"{value}\" on <{name}>"));
            }
            if attr == "style" {
                let v = value.to_ascii_lowercase();
                if v.contains("expression") || v.contains("url(") || v.contains("javascript") {
                    found.push(format!("a dangerous style=\"{value}\" on <{name}>"));
                }
            }
            if URL_ATTRIBUTES.contains(&attr.as_str()) && !attribute_is_safe(&attr, value) {
                found.push(format!("a non-HTTP URL {attr}=\"{value}\" on <{name}>"));
            }
            if name == "meta" && attr == "content" && value.to_ascii_lowercase().contains("url=") {
                found.push(format!("a meta redirect content=\"{value}\""));
            }
        }
    }
    found
}

/// Rules for an XML output (Atom, OPML, sitemap).
pub fn xml_violations(xml: &str) -> Vec<String> {
    let doc = match roxmltree::Document::parse(xml) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("not well-formed XML: {e}")],
    };
    let mut found = Vec::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        for attr in node.attributes() {
            let key = attr.name().to_ascii_lowercase();
            if URL_ATTRIBUTES.contains(&key.as_str()) && !attribute_is_safe(&key, attr.value()) {
                found.push(format!(
                    "a non-HTTP URL {key}=\"{}\" on <{name}>",
                    attr.value()
                ));
            }
        }
        let text = node.text().unwrap_or("");
        if matches!(name, "loc" | "uri" | "icon" | "logo") && !url_is_safe(text) {
            found.push(format!("a non-HTTP URL in <{name}>: {text}"));
        }
        // Escaped HTML (Atom `type="html"` text constructs) obeys the rules for feed HTML;
        // `type="text"`, the default, is shown as text by every reader.
        if node.attribute("type") == Some("html") {
            for v in html_violations(text, false) {
                found.push(format!("in <{name}>: {v}"));
            }
        }
    }
    found
}

#[test]
fn the_checker_catches_what_it_must() {
    for bad in [
        "<p><script>x()</script></p>",
        "<p onclick=\"x()\">a</p>",
        "<a href=\"javascript:x()\">a</a>",
        "<a href=\" JaVa\tScRiPt:x()\">a</a>",
        "<img src=\"data:image/png;base64,AAAA\">",
        "<img srcset=\"https://ok.example/a.png 1x, javascript:x() 2x\">",
        "<base href=\"https://evil.example/\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
        "<svg><a xlink:href=\"https://ok.example/\">a</a></svg>",
        "<p style=\"width: expression(x())\">a</p>",
        "<form action=\"https://ok.example/\"></form>",
    ] {
        assert!(!html_violations(bad, false).is_empty(), "not caught: {bad}");
    }
    for good in [
        "<p><a href=\"https://ok.example/a?b=c:d\" rel=\"noopener\">a</a> <img src=\"img/a.png\" alt=\"\"></p>",
        "<a href=\"../people/ana/\">Ana</a> <a href=\"#main\">skip</a> <a href=\"/x:y\">x</a>",
    ] {
        assert_eq!(html_violations(good, false), Vec::<String>::new(), "{good}");
    }
    assert!(!xml_violations("<feed><link href=\"javascript:x()\"/></feed>").is_empty());
    assert!(
        !xml_violations(
            "<feed><content type=\"html\">&lt;script&gt;x()&lt;/script&gt;</content></feed>"
        )
        .is_empty()
    );
    assert!(!xml_violations("<feed><content>").is_empty());
}
