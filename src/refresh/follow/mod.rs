//! Discovery beyond the lists, its fetching part: the blogrolls of the listed feeds' sites,
//! and the feeds of the sites their posts link to (found with [`find_feeds`], the code behind
//! `toluu add`). Polite and bounded: a site is visited again only after `retry_days` days
//! (a known feed with a conditional GET), at most `max_visits` visits of each kind per build,
//! on up to 16 threads, and never past the build's deadline for all of it: what has not answered
//! by then is left for a later build. Offline, only the state ([`state`]) is read. Nothing
//! here fails the build: a site that fails is recorded with its reason and tried again later.

mod bounded;
pub mod state;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::autodiscover::find_feeds;
use super::fetch::{Fetcher, Response, Validators};
use crate::model::Feed;
use crate::parse::links::{BlogrollEntry, blogroll_entries, blogroll_links};
use crate::parse::{looks_like_html, parse_feed};
use crate::site::FetchConfig;
use crate::urls::reserved_for_examples;
use bounded::{Job, run_bounded};
use state::{BlogrollRecord, FoundFeed, LinkState, SiteRecord};

/// The most entries read from one blogroll.
const MAX_BLOGROLL_ENTRIES: usize = 500;
/// The largest page or blogroll read, in bytes.
const MAX_BYTES: u64 = 2 * 1024 * 1024;
/// Post titles kept of a feed found.
const FEW_POSTS: usize = 3;

/// How far following goes in one build.
#[derive(Debug, Clone)]
pub struct FollowSettings {
    /// Whether this build may fetch (else only the state is read).
    pub online: bool,
    /// Visits of each kind (blogrolls, linked sites) per build, at most.
    pub max_visits: usize,
    /// Days before a site is visited again.
    pub retry_days: u32,
    /// Seconds for all the visits of a build, and for any one request.
    pub timeout_secs: u64,
}

/// The follower of one build: the state, and what it may still spend.
pub struct Follower {
    state: LinkState,
    path: PathBuf,
    changed: bool,
    settings: FollowSettings,
    /// The client's settings when this build may fetch; the client is made at the first visit.
    fetch: Option<FetchConfig>,
    fetcher: Option<Arc<Fetcher>>,
    deadline: Instant,
    now: DateTime<Utc>,
    /// Whether a blogroll visit of this build changed the entries the site knows.
    blogrolls_changed: bool,
    /// The blogroll visits made this build.
    blogroll_visits: usize,
    /// When the first of the linked sites asked about falls due for another visit.
    sites_due: Option<DateTime<Utc>>,
    /// Problems with the state file or the client, in plain words.
    pub warnings: Vec<String>,
}

impl Follower {
    /// Reads the state of `state_dir`; the deadline starts now.
    pub fn open(
        state_dir: &Path,
        fetch: &FetchConfig,
        settings: FollowSettings,
        now: DateTime<Utc>,
    ) -> Follower {
        let path = state::path_in(state_dir);
        let (state, warning) = LinkState::load(&path);
        let warnings: Vec<String> = warning.into_iter().collect();
        let fetch = settings.online.then(|| {
            let mut config = fetch.clone();
            config.timeout_secs = config.timeout_secs.min(settings.timeout_secs).max(1);
            config.connect_timeout_secs = config.connect_timeout_secs.min(config.timeout_secs);
            config.max_bytes = config.max_bytes.min(MAX_BYTES);
            config
        });
        Follower {
            deadline: Instant::now() + Duration::from_secs(settings.timeout_secs),
            state,
            path,
            changed: false,
            settings,
            fetch,
            fetcher: None,
            now,
            blogrolls_changed: false,
            blogroll_visits: 0,
            sites_due: None,
            warnings,
        }
    }

    /// The client, made at the first visit; `None` offline (or when it cannot be made).
    fn client(&mut self, visits: usize) -> Option<Arc<Fetcher>> {
        if visits == 0 || self.fetcher.is_some() {
            return self.fetcher.clone();
        }
        match Fetcher::new(&self.fetch.take()?) {
            Ok(f) => self.fetcher = Some(Arc::new(f)),
            Err(e) => self.warnings.push(format!("following links: {e}")),
        }
        self.fetcher.clone()
    }

    /// Whether a record checked at `checked` is due for another visit.
    fn due(&self, checked: Option<DateTime<Utc>>) -> bool {
        checked.is_none_or(|c| {
            self.now.signed_duration_since(c)
                >= chrono::Duration::days(self.settings.retry_days.into())
        })
    }

    /// Whether the blogroll of the feed `feed` (a normalized URL) is due for a visit.
    pub fn blogroll_due(&self, feed: &str) -> bool {
        self.due(self.state.blogrolls.get(feed).map(|r| r.checked))
    }

    /// The blogrolls of the sites of `feeds` (the listed feed's normalized URL, its site's
    /// home page), visiting those that are due, as many as this build's visits left allow;
    /// every entry known, by feed URL. Called again, it visits only what is still due.
    pub fn blogrolls(
        &mut self,
        feeds: &[(String, String)],
    ) -> BTreeMap<String, Vec<BlogrollEntry>> {
        let due: Vec<&(String, String)> = feeds
            .iter()
            .filter(|(_, home)| !reserved_for_examples(home))
            .filter(|(f, _)| self.blogroll_due(f))
            .take(
                self.settings
                    .max_visits
                    .saturating_sub(self.blogroll_visits),
            )
            .collect();
        self.blogroll_visits += due.len();
        if let Some(fetcher) = self.client(due.len()) {
            let jobs = due
                .iter()
                .map(|(_, home)| {
                    let (fetcher, home) = (fetcher.clone(), home.clone());
                    Box::new(move || visit_blogroll(&fetcher, &home)) as Job<BlogrollRecord>
                })
                .collect();
            for ((feed, _), result) in due.iter().zip(run_bounded(jobs, self.deadline)) {
                let Some(mut record) = result else { continue };
                record.checked = self.now;
                let old = self.state.blogrolls.get(feed);
                if record.error.is_some()
                    && let Some(old) = old
                {
                    record.opml.clone_from(&old.opml);
                    record.entries.clone_from(&old.entries);
                }
                let before = old.map_or(&[][..], |r| &r.entries[..]);
                self.blogrolls_changed |= before != record.entries.as_slice();
                self.state.blogrolls.insert(feed.clone(), record);
                self.changed = true;
            }
        }
        feeds
            .iter()
            .filter_map(|(f, _)| {
                let r = self.state.blogrolls.get(f)?;
                (!r.entries.is_empty()).then(|| (f.clone(), r.entries.clone()))
            })
            .collect()
    }

    /// The feeds of `sites` (a site key and the URL to start from), best first, visiting
    /// those that are due; every feed known, by site key.
    pub fn feeds(&mut self, sites: &[(String, String)]) -> BTreeMap<String, FoundFeed> {
        let due: Vec<&(String, String)> = sites
            .iter()
            .filter(|(_, url)| !reserved_for_examples(url))
            .filter(|(k, _)| self.due(self.state.sites.get(k).map(|r| r.checked)))
            .take(self.settings.max_visits)
            .collect();
        if let Some(fetcher) = self.client(due.len()) {
            let jobs = due
                .iter()
                .map(|(key, url)| {
                    let known = self.state.sites.get(key).and_then(|r| r.feed.clone());
                    let (fetcher, url) = (fetcher.clone(), url.clone());
                    Box::new(move || visit_site(&fetcher, &url, known)) as Job<Visit>
                })
                .collect();
            for ((key, _), result) in due.iter().zip(run_bounded(jobs, self.deadline)) {
                let Some((feed, error)) = result else {
                    continue;
                };
                let record = SiteRecord {
                    checked: self.now,
                    feed,
                    error,
                };
                self.state.sites.insert(key.clone(), record);
                self.changed = true;
            }
        }
        let retry = chrono::Duration::days(self.settings.retry_days.into());
        for (key, url) in sites {
            if reserved_for_examples(url) {
                continue;
            }
            let due = self
                .state
                .sites
                .get(key)
                .map_or(self.now, |r| r.checked + retry);
            self.sites_due = Some(self.sites_due.map_or(due, |d| d.min(due)));
        }
        sites
            .iter()
            .filter_map(|(k, _)| {
                let feed = self.state.sites.get(k)?.feed.clone()?;
                Some((k.clone(), feed))
            })
            .collect()
    }

    /// Whether a blogroll visit of this build changed the entries the site knows of a feed
    /// (what [`Follower::blogrolls`] gives).
    pub fn blogrolls_changed(&self) -> bool {
        self.blogrolls_changed
    }

    /// When the first of the linked sites [`Follower::feeds`] was asked about falls due for
    /// another visit (now, when one still is); `None` when it was asked about none.
    pub fn sites_due(&self) -> Option<DateTime<Utc>> {
        self.sites_due
    }

    /// Ends following: writes the state when a visit changed it; returns the warnings.
    pub fn finish(mut self) -> Vec<String> {
        if self.changed
            && let Err(e) = self.state.store(&self.path)
        {
            self.warnings.push(e);
        }
        self.warnings
    }
}

/// What a visit of a linked site gives: the feed now known and, if the visit failed, why.
type Visit = (Option<FoundFeed>, Option<String>);

/// Visits a listed feed's site for its blogroll.
fn visit_blogroll(fetcher: &Fetcher, home: &str) -> BlogrollRecord {
    let mut record = BlogrollRecord {
        checked: DateTime::<Utc>::MIN_UTC,
        opml: None,
        entries: Vec::new(),
        error: None,
    };
    let result = body_of(fetcher, home).and_then(|(bytes, page_url)| {
        if !looks_like_html(&bytes) {
            return Ok(None);
        }
        let Some(opml) = blogroll_links(&String::from_utf8_lossy(&bytes), &page_url)
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let (bytes, opml_url) = body_of(fetcher, &opml)?;
        let entries = blogroll_entries(
            &String::from_utf8_lossy(&bytes),
            &opml_url,
            MAX_BLOGROLL_ENTRIES,
        )
        .map_err(|e| format!("{opml}: {e}"))?;
        Ok(Some((opml, entries)))
    });
    match result {
        Ok(Some((opml, entries))) => {
            record.opml = Some(opml);
            record.entries = entries;
        }
        Ok(None) => {}
        Err(e) => record.error = Some(e),
    }
    record
}

/// The body of `url` and the URL it came from, or why not.
fn body_of(fetcher: &Fetcher, url: &str) -> Result<(Vec<u8>, String), String> {
    match fetcher.get(url, &Validators::default()) {
        Response::Body {
            bytes, final_url, ..
        } => Ok((bytes, final_url)),
        Response::NotModified => Err(format!("{url}: unexpected HTTP 304")),
        Response::Failed { error, .. } => Err(format!("{url}: {error}")),
    }
}

/// Visits a linked site: its known feed again (conditionally), else the site itself, to find
/// its feed. Returns the feed now known and, if the visit failed, why.
fn visit_site(
    fetcher: &Fetcher,
    url: &str,
    known: Option<FoundFeed>,
) -> (Option<FoundFeed>, Option<String>) {
    let Some(known) = known else {
        return match find_feeds(fetcher, url) {
            Ok(found) => match found.into_iter().next() {
                Some(v) => (Some(found_feed(&v.url, v.feed, &v.validators)), None),
                None => (None, Some(format!("{url}: no feed found"))),
            },
            Err(e) => (None, Some(e)),
        };
    };
    let validators = Validators {
        etag: known.etag.clone(),
        last_modified: known.last_modified.clone(),
    };
    match fetcher.get(&known.url, &validators) {
        Response::NotModified => (Some(known), None),
        Response::Body {
            bytes,
            final_url,
            validators,
            ..
        } => match parse_feed(&bytes, &final_url, Utc::now(), FEW_POSTS) {
            Ok(feed) => (Some(found_feed(&known.url, feed, &validators)), None),
            Err(e) => (Some(known), Some(format!("{final_url}: {e}"))),
        },
        Response::Failed { error, .. } => {
            let why = format!("{}: {error}", known.url);
            (Some(known), Some(why))
        }
    }
}

fn found_feed(url: &str, feed: Feed, validators: &Validators) -> FoundFeed {
    FoundFeed {
        url: url.to_owned(),
        title: feed.title,
        description: feed.description,
        site_link: feed.site_link,
        posts: feed
            .items
            .into_iter()
            .take(FEW_POSTS)
            .map(|i| i.title)
            .filter(|t| !t.is_empty())
            .collect(),
        etag: validators.etag.clone(),
        last_modified: validators.last_modified.clone(),
    }
}
