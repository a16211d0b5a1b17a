//! The discovery views: suggestions, similar people, related feeds and `/discover/`.

use super::*;

/// The site's discovery views: suggestions, similar people, related feeds, `/discover/`.
impl Renderer<'_> {
    pub(super) fn feed_link(&self, f: usize) -> Link {
        let feed = &self.index.feeds[f];
        Link {
            title: feed.title.clone(),
            path: format!("feeds/{}/", feed.slug),
        }
    }

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

    pub(super) fn similar_people(&self, person: usize) -> Vec<SimilarView> {
        self.index.discovery.similar[person]
            .iter()
            .map(|s| {
                let p = &self.index.people[s.person as usize];
                SimilarView {
                    name: p.name.clone(),
                    path: format!("people/{}/", p.slug),
                    initials: initials(&p.name),
                    avatar: p.avatar.clone(),
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

    pub(super) fn related(&self, feed: usize) -> Vec<RelatedView> {
        self.index.discovery.related[feed]
            .iter()
            .map(|r| RelatedView {
                feed: self.feed_link(r.feed as usize),
                shared: r.shared,
            })
            .collect()
    }

    pub(super) fn discover_job(&self, mut job: PageJob) -> PageJob {
        let index = self.index;
        let most_read: Vec<FeedSummary> = (0..index.feeds.len().min(DISCOVER_LIST))
            .filter(|&f| !index.feeds[f].readers.is_empty())
            .map(|f| self.feed_summary(f))
            .collect();
        let recent: Option<Vec<RecentView>> = index.recent.as_ref().map(|recent| {
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
        });
        let most = index.tags.iter().map(|t| t.feeds.len()).max().unwrap_or(1);
        let tag_cloud: Vec<CloudTag> = index
            .tags
            .iter()
            .map(|t| CloudTag {
                name: t.name.clone(),
                path: format!("tags/{}/", t.slug),
                feed_count: t.feeds.len(),
                // Five sizes, on a log scale so one big tag does not flatten the rest.
                size: 1
                    + (4.0 * (t.feeds.len() as f64).ln() / (most as f64).ln().max(1.0)).round()
                        as usize,
            })
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
        job.vars.insert("recent", &recent);
        job.vars.insert("tag_cloud", &tag_cloud);
        job.vars.insert("hidden_gems", &gems);
        job
    }
}

/// How many feeds each list of `/discover/` shows.
const DISCOVER_LIST: usize = 10;

#[derive(Serialize)]
pub(super) struct SuggestionView {
    #[serde(flatten)]
    feed: Link,
    xml_url: String,
    readers_count: usize,
    reason: String,
}

#[derive(Serialize)]
pub(super) struct SimilarView {
    name: String,
    path: String,
    initials: String,
    avatar: Option<String>,
    shared_count: usize,
    shared: Vec<Link>,
}

#[derive(Serialize)]
pub(super) struct RelatedView {
    #[serde(flatten)]
    feed: Link,
    shared: u32,
}

#[derive(Serialize)]
pub(super) struct RecentView {
    #[serde(flatten)]
    feed: Link,
    date_iso: String,
    date_text: String,
}

#[derive(Serialize)]
pub(super) struct CloudTag {
    name: String,
    path: String,
    feed_count: usize,
    size: usize,
}

#[derive(Serialize)]
pub(super) struct GemView {
    #[serde(flatten)]
    feed: Link,
    readers_count: usize,
    suggested_to: usize,
}
