//! `/discover/`: the most read feeds, the recently added ones, the tag cloud and the hidden
//! gems.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::index::links;
use crate::render::discover::site_url;
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

/// A feed found through links, on `/discover/`.
#[derive(Serialize)]
struct MentionedView {
    title: String,
    url: String,
    xml_url: String,
    description: Option<String>,
    reason: String,
    recent_posts: Vec<String>,
    /// The newest post linking to it, when a post does.
    sample: Option<SampleView>,
}

/// A post linking to a feed found through links.
#[derive(Serialize)]
struct SampleView {
    title: String,
    url: Option<String>,
    feed: FeedLink,
    date_iso: Option<String>,
    date_text: Option<String>,
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
        job.vars.insert("mentioned", &self.mentioned());
        job
    }

    /// The feeds from outside the lists that the lists' posts and blogrolls link to.
    fn mentioned(&self) -> Vec<MentionedView> {
        let index = self.index;
        index
            .mentioned
            .iter()
            .take(DISCOVER_LIST)
            .map(|m| MentionedView {
                title: m.feed.title.clone(),
                url: site_url(m),
                xml_url: m.feed.url.clone(),
                description: m.feed.description.clone(),
                reason: links::site_reason(index, &m.site),
                recent_posts: m.feed.posts.clone(),
                sample: m.site.posts.first().map(|&p| {
                    let item = index.item(p);
                    SampleView {
                        title: item.title.clone(),
                        url: item.link.clone(),
                        feed: self.feed_link(p.feed),
                        date_iso: item.date().map(date_iso),
                        date_text: item.date().map(date_text),
                    }
                }),
            })
            .collect()
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
