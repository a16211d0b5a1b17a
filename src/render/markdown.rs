//! Markdown from the site's own files (bios, notes, pages), rendered with pulldown-cmark and
//! sanitized like everything else: a list is edited by pull request, so it is input too.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::sanitize;

/// Renders markdown to sanitized HTML.
pub fn to_html(text: &str) -> String {
    let mut out = String::new();
    html::push_html(
        &mut out,
        Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH),
    );
    sanitize::clean_local_html(&out)
}

/// Renders a page: its title (the first `# heading`, else the slug) and sanitized HTML.
pub fn page(text: &str, slug: &str) -> (String, String) {
    let mut title = String::new();
    let mut in_h1 = false;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => in_h1 = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => break,
            Event::Text(t) | Event::Code(t) if in_h1 => title.push_str(&t),
            _ => {}
        }
    }
    if title.trim().is_empty() {
        let mut chars = slug.replace(['-', '_'], " ").chars().collect::<Vec<_>>();
        if let Some(c) = chars.first_mut() {
            *c = c.to_ascii_uppercase();
        }
        title = chars.into_iter().collect();
    }
    (title.trim().to_owned(), to_html(text))
}
