//! How a feed and its tags are shown wherever they are listed: on `/feeds/`, a tag's page,
//! `/discover/` and a feed's own page.

use serde::Serialize;

use super::format::date_text;
use super::renderer::Renderer;
use super::views::ReaderView;
use crate::index::FeedInfo;

/// A tag, linked to its page.
#[derive(Serialize, Clone)]
pub(super) struct TagRef {
    pub(super) name: String,
    pub(super) path: String,
}

/// A feed as a list of feeds shows it.
#[derive(Serialize)]
pub(super) struct FeedSummary<'a> {
    title: &'a str,
    path: String,
    /// Its icon (a local file, or its monogram), from the site root.
    icon: &'a str,
    site_link: Option<&'a str>,
    xml_url: &'a str,
    description: Option<&'a str>,
    tags: Vec<TagRef>,
    readers: &'a [ReaderView],
    readers_count: usize,
    item_count: usize,
    last_post_text: Option<String>,
    failing: bool,
}

impl Renderer<'_> {
    /// The tags among `tags` that have a page, linked to it.
    pub(super) fn tag_refs(&self, tags: &[String]) -> Vec<TagRef> {
        tags.iter()
            .filter_map(|t| {
                Some(TagRef {
                    name: t.clone(),
                    path: self.tag_paths.get(t)?.clone(),
                })
            })
            .collect()
    }

    /// Feed `f` as a list of feeds shows it.
    pub(super) fn feed_summary(&self, f: usize) -> FeedSummary<'_> {
        let feed: &FeedInfo = &self.index.feeds[f];
        FeedSummary {
            title: &feed.title,
            path: format!("feeds/{}/", feed.slug),
            icon: &self.feed_links[f].icon,
            site_link: feed.site_link.as_deref(),
            xml_url: &feed.xml_url,
            description: feed.description.as_deref(),
            tags: self.tag_refs(&feed.tags),
            readers: &self.readers_of_feed[f],
            readers_count: feed.readers.len(),
            item_count: feed.items.len(),
            last_post_text: feed.items.first().and_then(|i| i.date()).map(date_text),
            failing: feed.failing(),
        }
    }
}
