//! The search index: a compact JSON file (`search.json`) of every feed, person and post title,
//! which the theme's script searches in the browser. No server is involved, and the file is as
//! deterministic as the pages: it follows the index's order.

use serde::Serialize;

use crate::index::site_index::SiteIndex;

/// Where the index is written, relative to the output root.
pub const SEARCH_PATH: &str = "search.json";

/// The most posts the index carries (newest first): enough to find any recent post without
/// making every visitor download a site's whole history.
const MAX_POSTS: usize = 1000;

/// The file's shape. Rows are arrays rather than objects to keep the file small:
/// feeds and people are `[title, path]`; posts are `[title, link, feed, date]` where `feed`
/// indexes `feeds`, `link` is the original post (or `""`), and `date` is `YYYY-MM-DD` (or `""`).
#[derive(Serialize)]
struct SearchIndex<'a> {
    feeds: Vec<(&'a str, String)>,
    people: Vec<(&'a str, String)>,
    posts: Vec<(&'a str, &'a str, usize, String)>,
}

/// The bytes of `search.json` (written at [`SEARCH_PATH`]), from the index. Paths are
/// relative to the site root.
pub fn search_index(index: &SiteIndex) -> Vec<u8> {
    let data = SearchIndex {
        feeds: index
            .feeds
            .iter()
            .map(|f| (f.title.as_str(), format!("feeds/{}/", f.slug)))
            .collect(),
        people: index
            .people
            .iter()
            .map(|p| (p.name.as_str(), format!("people/{}/", p.slug)))
            .collect(),
        posts: index
            .river
            .iter()
            .take(MAX_POSTS)
            .map(|&post| {
                let item = index.item(post);
                (
                    item.title.as_str(),
                    item.link.as_deref().unwrap_or(""),
                    post.feed,
                    item.date()
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                )
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec(&data).expect("plain strings and numbers serialize");
    bytes.push(b'\n');
    bytes
}
