//! `/feeds/` and each feed's page: its newest posts, its readers, related feeds and, when it
//! is not healthy, what went wrong.

use rayon::prelude::*;
use serde::Serialize;

use crate::index::{FeedInfo, PostRef};
use crate::refresh::Outcome;
use crate::refresh::health::HealthState;
use crate::render::format::date_text;
use crate::render::job::PageJob;
use crate::render::renderer::Renderer;
use crate::render::summaries::FeedSummary;

#[derive(Serialize)]
struct FeedView<'a> {
    #[serde(flatten)]
    summary: FeedSummary<'a>,
    status: StatusView,
    /// Whether a filter of the lists applies to the feed, and how many posts it hides.
    filtered: bool,
    hidden: usize,
}

#[derive(Serialize)]
struct StatusView {
    state: &'static str,
    /// The feed's health word ("ok", "failing", "moved", "dead"...), as on `/status/`.
    health: &'static str,
    failures: u32,
    failing_since_text: Option<String>,
    moved_to: Option<String>,
    error: Option<String>,
    http_status: Option<u16>,
    fetched_at_text: Option<String>,
    last_success_text: Option<String>,
}

impl StatusView {
    /// The status of a feed that is fine, without the details of this build's fetch.
    fn healthy() -> Self {
        StatusView {
            state: "ok",
            health: HealthState::Ok.word(),
            failures: 0,
            failing_since_text: None,
            moved_to: None,
            error: None,
            http_status: None,
            fetched_at_text: None,
            last_success_text: None,
        }
    }

    /// The status of `feed` as its page shows it.
    fn of(feed: &FeedInfo) -> Self {
        // A healthy feed's page shows nothing of this build's fetch (that is on
        // /status/), so that the page stays the same from one build to the next.
        if !crate::render::status::page_shows_fetch(feed.health.state) {
            return StatusView::healthy();
        }
        let fetch = feed.fetch.as_ref();
        StatusView {
            state: match &feed.outcome {
                Outcome::Failed(_) => "failed",
                Outcome::NotModified => "not_modified",
                _ => "ok",
            },
            health: feed.health.state.word(),
            failures: feed.health.failures,
            failing_since_text: feed.health.failing_since.map(date_text),
            moved_to: feed.health.moved_to.clone(),
            error: match &feed.outcome {
                Outcome::Failed(e) => Some(e.clone()),
                _ => feed.health.error.clone(),
            },
            http_status: fetch.and_then(|r| r.http_status),
            fetched_at_text: fetch.map(|r| date_text(r.fetched_at)),
            last_success_text: fetch.and_then(|r| r.last_success_at).map(date_text),
        }
    }
}

impl Renderer<'_> {
    /// `/feeds/`: every feed, in the order of the index (most read first).
    pub(super) fn feeds_job(&self) -> PageJob {
        let summaries: Vec<FeedSummary> = (0..self.index.feeds.len())
            .into_par_iter()
            .map(|f| self.feed_summary(f))
            .collect();
        let mut j = self.job(
            "feeds.html",
            "feeds/".into(),
            "Feeds".into(),
            format!("All {} feeds read here, most read first", summaries.len()),
            "feeds",
        );
        j.vars.insert("feeds", &summaries);
        j
    }

    /// Feed `f`'s page, with its newest posts in full.
    pub(super) fn feed_job(&self, f: usize) -> PageJob {
        let feed = &self.index.feeds[f];
        let mut j = self.job(
            "feed.html",
            format!("feeds/{}/", feed.slug),
            feed.title.clone(),
            feed.description
                .clone()
                .unwrap_or_else(|| format!("{}, read by {} here", feed.title, feed.readers.len())),
            "feeds",
        );
        j.vars.insert(
            "feed",
            &FeedView {
                summary: self.feed_summary(f),
                status: StatusView::of(feed),
                filtered: feed.filtered,
                hidden: feed.hidden,
            },
        );
        let shown = feed.items.len().min(self.config.build.items_per_feed);
        let posts: Vec<PostRef> = (0..shown).map(|i| PostRef { feed: f, item: i }).collect();
        j.vars.insert("related", &self.related(f));
        j.posts = Some(posts);
        j.full_content = true;
        j
    }
}
