//! Following links, the pipeline's part: the follower opened on the state, the blogroll
//! visits made while the feeds are fetched and after, and the sites found added to the
//! index (see [`crate::refresh::follow`] and [`crate::index::links`]).

use std::path::Path;

use crate::{index, refresh, site};

/// Each feed's URL with its site's home page, in the feeds' URL order, for the follower's
/// blogroll visits.
pub(crate) fn homes_of(states: &[refresh::FeedState]) -> Vec<(String, String)> {
    states
        .iter()
        .filter_map(|s| {
            let link = s.entry.as_ref()?.feed.as_ref()?.site_link.as_ref()?;
            Some((s.url.clone(), link.clone()))
        })
        .collect()
}

/// What the first half of following gives: the follower, and every blogroll it knows.
pub(crate) type Visited = (
    refresh::follow::Follower,
    std::collections::BTreeMap<String, Vec<crate::parse::links::BlogrollEntry>>,
);

/// The first half of following: the follower opened on the state in `state_dir`, and the
/// blogrolls of `homes` (a feed's URL, its site's home page) visited when due (fetching only
/// when `online`). `None` when the site does not follow links.
pub(crate) fn visit_blogrolls(
    cfg: &site::SiteConfig,
    state_dir: &Path,
    online: bool,
    homes: &[(String, String)],
) -> Option<Visited> {
    let mut follower = open_follower(cfg, state_dir, online)?;
    let blogrolls = follower.blogrolls(homes);
    Some((follower, blogrolls))
}

/// The follower of this build, on the state in `state_dir`; `None` when the site does not
/// follow links.
fn open_follower(
    cfg: &site::SiteConfig,
    state_dir: &Path,
    online: bool,
) -> Option<refresh::follow::Follower> {
    let d = &cfg.discover;
    if !d.follow_links {
        return None;
    }
    let settings = refresh::follow::FollowSettings {
        online,
        max_visits: d.max_new_sites,
        retry_days: d.follow_retry_days,
        timeout_secs: d.follow_timeout_secs,
    };
    let now = chrono::Utc::now();
    Some(refresh::follow::Follower::open(
        state_dir, &cfg.fetch, settings, now,
    ))
}

/// How far following went before the index: not yet (the follower may have made the visits
/// it could make while the feeds were fetched), or the blogrolls visited.
pub(crate) enum Follow {
    /// The follower of the early visits ([`refresh_feeds`]), if any.
    Started(Option<refresh::follow::Follower>),
    /// The blogrolls visited after the refresh.
    Visited(Option<Visited>),
}

impl Follow {
    /// The blogrolls of `homes` visited, going on from where the follower is.
    pub(crate) fn visit(
        self,
        cfg: &site::SiteConfig,
        state_dir: &Path,
        online: bool,
        homes: &[(String, String)],
    ) -> Option<Visited> {
        match self {
            Follow::Visited(visited) => visited,
            Follow::Started(Some(mut follower)) => {
                let blogrolls = follower.blogrolls(homes);
                Some((follower, blogrolls))
            }
            Follow::Started(None) => visit_blogrolls(cfg, state_dir, online, homes),
        }
    }
}

/// The first blogroll visits of an online build, made while the feeds are fetched: of the
/// feeds whose blogroll is due, in URL order, those whose site the cache knows (from the
/// feed's previous content). The visits after the refresh go on with the sites it brought.
pub(crate) fn early_blogrolls(
    cfg: &site::SiteConfig,
    state_dir: &Path,
    urls: &[String],
    cache: &refresh::cache::Cache,
) -> Option<refresh::follow::Follower> {
    let mut follower = open_follower(cfg, state_dir, true)?;
    let mut homes = Vec::new();
    for url in urls {
        if homes.len() >= cfg.discover.max_new_sites {
            break;
        }
        if !follower.blogroll_due(url) {
            continue;
        }
        let home = cache
            .load(url)
            .ok()
            .flatten()
            .and_then(|e| e.feed?.site_link);
        if let Some(home) = home.filter(|h| !crate::urls::reserved_for_examples(h)) {
            homes.push((url.clone(), home));
        }
    }
    follower.blogrolls(&homes);
    Some(follower)
}

/// Discovery beyond the lists: the blogrolls of the lists' sites and the sites their posts
/// link to (see [`index::links`]), their feeds found by the refresh stage's follower
/// (fetching only when `online`, within its bounds; else from the state in `state_dir`),
/// added to the index. Never fails: returns what went wrong, in plain words.
pub(crate) fn follow_links(
    index: &mut index::SiteIndex,
    cfg: &site::SiteConfig,
    state_dir: &Path,
    online: bool,
) -> Vec<String> {
    let homes: Vec<(String, String)> = index
        .feeds
        .iter()
        .filter_map(|f| Some((f.url.clone(), f.site_link.clone()?)))
        .collect();
    let Some(visited) = visit_blogrolls(cfg, state_dir, online, &homes) else {
        return Vec::new();
    };
    let links = index::links::post_links(index);
    follow_from(index, cfg, visited, &links).0
}

/// The second half of following: the sites the posts (`links`) and the blogrolls of
/// `visited` point to, their feeds found, added to the index; the follower's warnings, and
/// when the first of those sites falls due for another visit.
pub(crate) fn follow_from(
    index: &mut index::SiteIndex,
    cfg: &site::SiteConfig,
    (mut follower, blogrolls): Visited,
    links: &index::links::PostLinks,
) -> (Vec<String>, Option<chrono::DateTime<chrono::Utc>>) {
    let sites = index::links::linked_sites(index, links, &blogrolls);
    let wanted: Vec<(String, String)> = sites
        .iter()
        .map(|s| (s.key.clone(), s.url.clone()))
        .collect();
    let found = follower.feeds(&wanted);
    index.mentioned = index::links::mentioned(index, sites, &found);
    index.link_suggestions = index::links::for_people(
        index,
        &index.mentioned,
        cfg.discover.link_suggestions_per_person,
    );
    let due = follower.sites_due();
    (follower.finish(), due)
}
