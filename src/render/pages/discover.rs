//! `/discover/`: the most read feeds, the recently added ones, the tag cloud and the hidden
//! gems.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::render::format::{date_iso, date_text};
use crate::render::job::PageJob;
use crate::render::renderer::Renderer;
use crate::render::summaries::FeedSummary;
use crate::render::views::FeedLink;

/// How many feeds each list of `/discover/` shows.
const DISCOVER_LIST: usize = 10;

#[derive(Serialize)]
struct RecentView {
    #[serde(flatten)]
    feed: FeedLink,
    date_iso: String,
    date_text: String,
}

#[derive(Serialize)]
struct CloudTag {
    name: String,
    path: String,
    feed_count: usize,
    size: usize,
}

#[derive(Serialize)]
struct GemView {
    #[serde(flatten)]
    feed: FeedLink,
    readers_count: usize,
    suggested_to: usize,
}

impl Renderer<'_> {
    /// The discover page.
    pub(super) fn discover_job(&self) -> PageJob {
        let mut job = self.job(
            "discover.html",
            "discover/".into(),
            "Discover".into(),
            format!(
                "Feeds to discover among what the people of {} read",
                self.config.title
            ),
            "discover",
        );
        let index = self.index;
        let most_read: Vec<FeedSummary> = (0..index.feeds.len().min(DISCOVER_LIST))
            .filter(|&f| !index.feeds[f].readers.is_empty())
            .map(|f| self.feed_summary(f))
            .collect();
        let gems: Vec<GemView> = index
            .discovery
            .hidden_gems
            .iter()
            .map(|g| GemView {
                feed: self.feed_link(g.feed as usize),
                readers_count: g.readers as usize,
                suggested_to: g.suggested_to as usize,
            })
            .collect();
        job.vars.insert("most_read", &most_read);
        job.vars.insert("recent", &self.recently_added());
        job.vars.insert("tag_cloud", &self.tag_cloud());
        job.vars.insert("hidden_gems", &gems);
        job
    }

    /// The feeds added to the lists most recently, when the site's history is known.
    fn recently_added(&self) -> Option<Vec<RecentView>> {
        self.index.recent.as_ref().map(|recent| {
            recent
                .iter()
                .take(DISCOVER_LIST)
                .filter_map(|&(f, t)| {
                    let date = DateTime::<Utc>::from_timestamp(t, 0)?;
                    Some(RecentView {
                        feed: self.feed_link(f),
                        date_iso: date_iso(date),
                        date_text: date_text(date),
                    })
                })
                .collect()
        })
    }

    /// Every tag, sized by how many feeds have it.
    fn tag_cloud(&self) -> Vec<CloudTag> {
        let tags = &self.index.tags;
        let most = tags.iter().map(|t| t.feeds.len()).max().unwrap_or(1);
        tags.iter()
            .map(|t| CloudTag {
                name: t.name.clone(),
                path: format!("tags/{}/", t.slug),
                feed_count: t.feeds.len(),
                // Five sizes, on a log scale so one big tag does not flatten the rest.
                size: 1
                    + (4.0 * (t.feeds.len() as f64).ln() / (most as f64).ln().max(1.0)).round()
                        as usize,
            })
            .collect()
    }
}
