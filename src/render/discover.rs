//! The discovery views on people's and feeds' pages: suggestions, similar people and related
//! feeds (`/discover/` itself is a page of `pages`).

use serde::Serialize;

use super::format::initials;
use super::renderer::Renderer;
use super::views::FeedLink;

/// The site's discovery views: suggestions, similar people, related feeds.
impl Renderer<'_> {
    /// Feed `f`, linked to its page.
    pub(super) fn feed_link(&self, f: usize) -> FeedLink {
        self.feed_links[f].clone()
    }

    /// The feeds suggested to `person`, each with why.
    pub(super) fn suggestions(&self, person: usize) -> Vec<SuggestionView> {
        let index = self.index;
        index.discovery.suggestions[person]
            .iter()
            .map(|s| {
                let f = s.feed as usize;
                SuggestionView {
                    feed: self.feed_link(f),
                    xml_url: index.feeds[f].xml_url.clone(),
                    readers_count: index.feeds[f].readers.len(),
                    reason: s.reason.text(
                        |f| index.feeds[f as usize].title.clone(),
                        |p| index.people[p as usize].name.clone(),
                    ),
                }
            })
            .collect()
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

#[derive(Serialize)]
pub(super) struct SuggestionView {
    #[serde(flatten)]
    feed: FeedLink,
    xml_url: String,
    readers_count: usize,
    reason: String,
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
