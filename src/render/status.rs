//! The `/status/` page's view: every feed with its health, problems first (newest first),
//! counts at the top. Pure: computed from the index alone, so the page is reproducible.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::index::{FeedInfo, SiteIndex};
use crate::refresh::health::HealthState;

/// Whether a feed's own page shows when it was last fetched: only while it is not healthy
/// (a healthy feed's page stays the same from one build to the next; /status/ says when).
pub fn page_shows_fetch(state: HealthState) -> bool {
    !matches!(state, HealthState::Ok | HealthState::NotModified)
}

/// One feed's row on the status page.
#[derive(Debug, Serialize)]
pub struct StatusRow {
    /// Display title.
    pub title: String,
    /// Its page, relative to the site root.
    pub path: String,
    /// The URL as written in a list.
    pub xml_url: String,
    /// `ok`, `not_modified`, `failing`, `moved` or `dead`.
    pub state: HealthState,
    /// The same in words: "ok", "not modified", "failing", "moved", "dead".
    pub state_word: &'static str,
    /// The last error in plain words, while failing (also within the grace period).
    pub error: Option<String>,
    /// Failed builds in a row.
    pub failures: u32,
    /// When the current failures began, for people (`5 Nov 2026`).
    pub failing_since_text: Option<String>,
    /// The HTTP status of the last answer.
    pub http_status: Option<u16>,
    /// When the feed was last fetched successfully, for people.
    pub last_success_text: Option<String>,
    /// The new address of a moved feed.
    pub moved_to: Option<String>,
    /// The list files that name the feed (to edit when it moved or died).
    pub listed_in: Vec<String>,
    /// Why this build did not fetch it, when it did not.
    pub note: Option<String>,
}

/// How many feeds are in each state.
#[derive(Debug, Default, Serialize)]
pub struct StatusCounts {
    /// All feeds.
    pub total: usize,
    /// ok.
    pub ok: usize,
    /// not modified.
    pub not_modified: usize,
    /// failing past the grace period.
    pub failing: usize,
    /// moved.
    pub moved: usize,
    /// dead.
    pub dead: usize,
}

impl StatusCounts {
    /// Counts one more feed in `state` (the total is counted apart).
    fn add(&mut self, state: HealthState) {
        match state {
            HealthState::Ok => self.ok += 1,
            HealthState::NotModified => self.not_modified += 1,
            HealthState::Failing => self.failing += 1,
            HealthState::Moved => self.moved += 1,
            HealthState::Dead => self.dead += 1,
        }
    }
}

/// The status page's rows (problems first, newest problem first, then by title) and counts.
pub fn status_rows(
    index: &SiteIndex,
    date_text: fn(DateTime<Utc>) -> String,
) -> (Vec<StatusRow>, StatusCounts) {
    let mut counts = StatusCounts {
        total: index.feeds.len(),
        ..Default::default()
    };
    let mut rows: Vec<(Option<DateTime<Utc>>, StatusRow)> = index
        .feeds
        .iter()
        .map(|feed| {
            counts.add(feed.health.state);
            (
                feed.health.failing_since,
                status_row(index, feed, date_text),
            )
        })
        .collect();
    rows.sort_by(|(since_a, a), (since_b, b)| problems_first((*since_a, a), (*since_b, b)));
    (rows.into_iter().map(|(_, r)| r).collect(), counts)
}

/// A feed's row.
fn status_row(
    index: &SiteIndex,
    feed: &FeedInfo,
    date_text: fn(DateTime<Utc>) -> String,
) -> StatusRow {
    let h = &feed.health;
    let fetch = feed.fetch.as_ref();
    StatusRow {
        title: feed.title.clone(),
        path: format!("feeds/{}/", feed.slug),
        xml_url: feed.xml_url.clone(),
        state: h.state,
        state_word: h.state.word(),
        error: h.error.clone(),
        failures: h.failures,
        failing_since_text: h.failing_since.map(date_text),
        http_status: fetch.and_then(|r| r.http_status),
        last_success_text: fetch.and_then(|r| r.last_success_at).map(date_text),
        moved_to: h.moved_to.clone(),
        listed_in: feed
            .readers
            .iter()
            .map(|&r| index.people[r].file.display().to_string())
            .collect(),
        note: h.note.clone(),
    }
}

/// The order of the rows, each with when its failures began: problems first, the newest
/// problem first, then by title (and URL, so that the order is total).
fn problems_first(
    (since_a, a): (Option<DateTime<Utc>>, &StatusRow),
    (since_b, b): (Option<DateTime<Utc>>, &StatusRow),
) -> Ordering {
    let problem = |s: HealthState| {
        matches!(
            s,
            HealthState::Dead | HealthState::Failing | HealthState::Moved
        )
    };
    problem(b.state)
        .cmp(&problem(a.state))
        .then_with(|| {
            if problem(a.state) {
                since_b.cmp(&since_a).then_with(|| a.state.cmp(&b.state))
            } else {
                Ordering::Equal
            }
        })
        .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
        .then_with(|| a.xml_url.cmp(&b.xml_url))
}
