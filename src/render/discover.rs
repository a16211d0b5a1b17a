//! The discovery views on people's and feeds' pages: suggestions, similar people and related
//! feeds (`/discover/` itself is a page of `pages`).

use serde::Serialize;

use super::format::initials;
use super::renderer::Renderer;
use super::views::FeedLink;
use crate::index::links::{self, Mentioned};

/// The site's discovery views: suggestions, similar people, related feeds.
impl Renderer<'_> {
    /// Feed `f`, linked to its page.
    pub(super) fn feed_link(&self, f: usize) -> FeedLink {
        self.feed_links[f].clone()
    }

    /// The feeds suggested to `person`, each with why: the group's (from the lists), then
    /// those found through the links of the posts they read.
    pub(super) fn suggestions(&self, person: usize) -> Vec<SuggestionView> {
        let index = self.index;
        let from_lists = index.discovery.suggestions[person].iter().map(|s| {
            let f = s.feed as usize;
            SuggestionView {
                feed: self.feed_link(f),
                xml_url: index.feeds[f].xml_url.clone(),
                readers_count: index.feeds[f].readers.len(),
                reason: s.reason.text(
                    |f| index.feeds[f as usize].title.clone(),
                    |p| index.people[p as usize].name.clone(),
                ),
                source: "lists",
                url: None,
            }
        });
        let from_links = index
            .link_suggestions
            .get(person)
            .into_iter()
            .flatten()
            .map(|s| {
                let m = &index.mentioned[s.mentioned];
                SuggestionView {
                    feed: FeedLink {
                        title: m.feed.title.clone(),
                        path: String::new(),
                        // Not a feed of the site: no icon of ours to show.
                        icon: String::new(),
                    },
                    xml_url: m.feed.url.clone(),
                    readers_count: 0,
                    reason: links::person_reason(index, m, s),
                    source: "links",
                    url: Some(site_url(m)),
                }
            });
        from_lists.chain(from_links).collect()
    }

    /// The people who read like `person`, with a few of the feeds they share.
    pub(super) fn similar_people(&self, person: usize) -> Vec<SimilarView> {
        self.index.discovery.similar[person]
            .iter()
            .map(|s| {
                let p = &self.index.people[s.person as usize];
                SimilarView {
                    name: p.name.clone(),
                    path: format!("people/{}/", p.slug),
                    initials: initials(&p.name),
                    face: self.faces[s.person as usize].clone(),
                    shared_count: s.shared.len(),
                    shared: s
                        .shared
                        .iter()
                        .take(5)
                        .map(|&f| self.feed_link(f as usize))
                        .collect(),
                }
            })
            .collect()
    }

    /// The feeds that readers of `feed` also read.
    pub(super) fn related(&self, feed: usize) -> Vec<RelatedView> {
        self.index.discovery.related[feed]
            .iter()
            .map(|r| RelatedView {
                feed: self.feed_link(r.feed as usize),
                shared: r.shared,
            })
            .collect()
    }
}

/// The web page of a feed found through links: its own site, else the site linked to.
pub(super) fn site_url(m: &Mentioned) -> String {
    m.feed
        .site_link
        .clone()
        .unwrap_or_else(|| m.site.url.clone())
}

/// A suggested feed, from the lists (`source` "lists", with a page here) or found through
/// links (`source` "links", with its own site as `url` and no page here).
#[derive(Serialize)]
pub(super) struct SuggestionView {
    #[serde(flatten)]
    feed: FeedLink,
    xml_url: String,
    readers_count: usize,
    reason: String,
    source: &'static str,
    url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct SimilarView {
    name: String,
    path: String,
    initials: String,
    face: String,
    shared_count: usize,
    shared: Vec<FeedLink>,
}

#[derive(Serialize)]
pub(super) struct RelatedView {
    #[serde(flatten)]
    feed: FeedLink,
    shared: u32,
}
