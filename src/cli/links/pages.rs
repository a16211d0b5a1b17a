//! The links of the site's `pages/*.md`, each checked against the rendered site and located at
//! its destination in the markdown.

use std::collections::BTreeSet;
use std::fs;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

use super::index::{SiteIndex, Target};
use crate::site::{Diagnostic, Site};

/// A markdown link: where its destination starts in the text, and the destination.
struct Link {
    offset: usize,
    dest: String,
}

/// Every broken link of `pages/*.md` (the page's output path and the link as written, so that
/// the check of the built pages does not report it twice), and its diagnostic.
pub(super) fn check(
    site: &Site,
    index: &SiteIndex,
    problems: &mut Vec<(String, Diagnostic)>,
) -> BTreeSet<(String, String)> {
    let mut reported = BTreeSet::new();
    for (slug, file) in &site.pages {
        // `file` is under the site directory; diagnostics name it relative to it.
        let Ok(text) = fs::read_to_string(file) else {
            continue;
        };
        let rel = file.strip_prefix(&site.root).unwrap_or(file);
        let page = format!("{slug}/index.html");
        let from = index.url_of(&page);
        for link in links(&text) {
            let Target::Missing(missing) = index.resolve(&from, &link.dest) else {
                continue;
            };
            let message = format!(
                "broken link '{}': the site has no page at {missing}; {}",
                link.dest,
                index.advice(&missing)
            );
            problems.push((missing, Diagnostic::at(rel, &text, link.offset, message)));
            reported.insert((page.clone(), link.dest));
        }
    }
    reported
}

/// The links and images of a markdown text, as the page renders them (raw HTML aside: the
/// check of the built pages finds those).
fn links(text: &str) -> Vec<Link> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = Vec::new();
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let dest = match event {
            Event::Start(Tag::Link {
                link_type: LinkType::Email,
                ..
            }) => continue,
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        // At the destination when it is written inside the link (not a reference's).
        let offset = text[range.clone()]
            .rfind(dest.as_ref())
            .map_or(range.start, |i| range.start + i);
        out.push(Link {
            offset,
            dest: dest.into_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_reference_and_image_links_but_not_emails() {
        let text = "# T\n\nSee [a](/a/) and ![i](i.png).\n\n[r][x] <me@x.org>\n\n[x]: /r/\n";
        let found: Vec<(usize, String)> = links(text)
            .into_iter()
            .map(|l| (l.offset, l.dest))
            .collect();
        assert_eq!(
            found,
            vec![
                (text.find("/a/").unwrap(), "/a/".to_owned()),
                (text.find("i.png").unwrap(), "i.png".to_owned()),
                (text.find("[r]").unwrap(), "/r/".to_owned()),
            ]
        );
    }
}
