//! A build that finds nothing changed renders `/status/` alone.
//!
//! Every page is a function of the lists, the configuration, the theme, the state (each feed's
//! cache entry and fetch record, the icons, the follower's visits) and the lists' git history.
//! Of all that, a build where every feed answers 304 changes only the fetch times, and those
//! only `/status/` shows (and a feed's own page while the feed is not healthy: then its whole
//! fetch record counts here). [`inputs`] is the digest of everything else, kept with the pages'
//! fingerprints (`PageStore::inputs`); a build whose digest is the one kept, whose salt is
//! the one kept, and whose previous site is whole, is that site but for `/status/`: it
//! renders only `/status/` (from an index without posts, which that page does not show),
//! and keeps every other file as it is. Visits of the follower and icon lookups that fall
//! due would change the state: a build online after the earliest of them (`PageStore::due`)
//! builds the whole site. Blogroll visits are made as in any build; one that finds a
//! blogroll changed sends the build down the whole way.
//!
//! tests/it/fingerprints.rs checks that such a build writes the site a build from scratch
//! writes from the same state.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::refresh::{self, FeedState, Outcome};
use crate::render::status::page_shows_fetch;

use super::Loaded;

/// The digest of what the site is built from, but the fetch times a healthy feed's page does
/// not show (see the module's documentation).
pub(crate) fn inputs(site_dir: &Path, loaded: &Loaded, states: &[FeedState]) -> [u8; 32] {
    let mut h = Hasher::default();
    let site = &loaded.site;
    h.text(env!("CARGO_PKG_VERSION"))
        .text(&format!("{:?}", site.config))
        .text(&format!("{:?}", site.people))
        .text(&loaded.base_url)
        .text(&loaded.output_dir.display().to_string());
    for (slug, path) in &site.pages {
        h.text(slug).bytes(&std::fs::read(path).unwrap_or_default());
    }
    // The templates are in the salt; the theme's other files are written as they are.
    for (name, bytes) in loaded.theme.static_files(&site.root).unwrap_or_default() {
        h.text(&name).bytes(&bytes);
    }
    if site.config.discover.recent_from_git || site.config.build.redirects_from_git {
        h.text(&git_head(site_dir));
    }
    let mut states: Vec<&FeedState> = states.iter().collect();
    states.sort_by(|a, b| a.url.cmp(&b.url));
    for state in states {
        feed_inputs(&mut h, loaded, state);
    }
    h.finish()
}

/// One feed's part: its URL, its cache file and what went wrong with it; for a healthy feed, that it is healthy (its
/// fetch record is read by /status/ alone, and its health says which of "ok" and "not
/// modified"); for another, what happened this build, its fetch record (but when it may be
/// fetched next, the refresh's business alone) and its health.
fn feed_inputs(h: &mut Hasher, loaded: &Loaded, state: &FeedState) {
    h.text(&state.url);
    // The entry but its fetch record is its file: written only by a rename, so its length,
    // inode and modification time name its content.
    h.text(&stamp(&loaded.cache.path_for(&state.url)));
    // Content the cache could not keep is not in its file (and a file that cannot be read is
    // not the content either).
    h.text(state.cache_warning.as_deref().unwrap_or_default());
    let record = state.entry.as_ref().map(|e| &e.fetch);
    let health = refresh::health::assess(record, &state.outcome, &loaded.site.config.health);
    if !page_shows_fetch(health.state) {
        h.text("healthy");
        return;
    }
    match &state.outcome {
        Outcome::Updated => h.text("updated"),
        Outcome::NotModified => h.text("not modified"),
        Outcome::Cached => h.text("cached"),
        Outcome::Skipped(_) => h.text("skipped"),
        Outcome::Failed(e) => h.text("failed").text(e),
    };
    if let Some(record) = record {
        let mut record = record.clone();
        record.next_fetch_after = None;
        record.wait_reason = None;
        h.text(&format!("{record:?}"));
    }
    h.text(&format!(
        "{:?} {:?} {} {:?} {:?}",
        health.state, health.error, health.failures, health.failing_since, health.moved_to
    ));
}

/// A file's length, inode and modification time, or that there is none.
fn stamp(path: &Path) -> String {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                format!(
                    "{} {} {} {}",
                    meta.len(),
                    meta.ino(),
                    meta.mtime(),
                    meta.mtime_nsec()
                )
            }
            #[cfg(not(unix))]
            {
                format!("{} {:?}", meta.len(), meta.modified().ok())
            }
        }
        Err(_) => "none".to_owned(),
    }
}

/// The commit the site's checkout is at, for the lists' history (empty outside git).
fn git_head(site_dir: &Path) -> String {
    std::process::Command::new("git")
        .arg("-C")
        .arg(site_dir)
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// A SHA-256 of length-prefixed parts.
#[derive(Default)]
struct Hasher(Sha256);

impl Hasher {
    fn text(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// The states as the status page needs them: without their posts.
pub(crate) fn without_posts(states: &[FeedState]) -> Vec<FeedState> {
    states
        .iter()
        .map(|s| FeedState {
            url: s.url.clone(),
            entry: s.entry.as_ref().map(|e| refresh::cache::CacheEntry {
                format: e.format,
                url: e.url.clone(),
                fetch: e.fetch.clone(),
                feed: e.feed.as_ref().map(|f| crate::model::Feed {
                    title: f.title.clone(),
                    site_link: f.site_link.clone(),
                    description: f.description.clone(),
                    icon: f.icon.clone(),
                    items: Vec::new(),
                }),
                first_seen: e.first_seen,
                slug: e.slug.clone(),
                former_slugs: e.former_slugs.clone(),
                categories_read: e.categories_read,
                posts: None,
                unread_items: None,
            }),
            outcome: s.outcome.clone(),
            cache_warning: s.cache_warning.clone(),
            elapsed: s.elapsed,
            http_status: s.http_status,
            bytes: s.bytes,
            new_items: s.new_items,
        })
        .collect()
}

/// What [`status_only`] did.
#[allow(clippy::large_enum_variant)] // one per build, moved once
pub(crate) enum StatusOnly {
    /// The site is the previous one but for `/status/`, written: the build's report (its
    /// counts of pages and files still to fill in) and what was written.
    Built(crate::report::BuildReport, crate::output::Written),
    /// Something changed: the whole site is to be built into the output, following on from
    /// where this step left it.
    Changed(super::Output, super::fetch::Refreshed),
}

/// Whether an online build should look up pictures while it fetches: the previous build
/// (`store`) left no whole site, or said a lookup or a visit falls due by now.
pub(crate) fn pictures_due(store: &crate::render::PageStore) -> bool {
    let now = chrono::Utc::now().timestamp();
    !(store.intact() && store.due.is_none_or(|due| now < due))
}

/// When nothing the pages are made of changed since the previous build (`store`), whose
/// site is whole: `/status/` rendered alone and written into `output`, every other file kept.
/// Else nothing is written: the output is handed back, with the blogrolls visited on the way.
pub(crate) fn status_only(
    loaded: &Loaded,
    output: super::Output,
    store: crate::render::PageStore,
    inputs: [u8; 32],
    mut refreshed: super::fetch::Refreshed,
) -> Result<StatusOnly, crate::Error> {
    const STATUS: &str = "status/index.html";
    let online = loaded.mode == refresh::Mode::All;
    let now = chrono::Utc::now().timestamp();
    let same = store.intact()
        && store.inputs == Some(inputs)
        && store.len_of(STATUS).is_some()
        && (!online || store.due.is_none_or(|due| now < due))
        && refreshed.looks.is_none();
    if !same {
        return Ok(StatusOnly::Changed(output, refreshed));
    }
    let follow = std::mem::replace(&mut refreshed.follow, super::Follow::Visited(None));
    let states = &refreshed.states;
    let cfg = &loaded.site.config;
    let homes = super::homes_of(states);
    let state_dir = loaded.state_dir();
    let (visited, status) = std::thread::scope(|scope| {
        let visits = scope.spawn(|| follow.visit(cfg, &state_dir, online, &homes));
        let trimmed = without_posts(states);
        let index =
            crate::index::build_index_undiscovered(&loaded.site, trimmed, cfg.build.items_per_feed);
        let status =
            crate::render::render_status(&loaded.site, &index, &loaded.theme, &loaded.base_url);
        let visited = visits
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (visited, status)
    });
    let crate::render::StatusPage {
        file,
        fingerprint,
        salt,
    } = status.map_err(crate::Error::Build)?;
    let blogrolls_changed = visited
        .as_ref()
        .is_some_and(|(follower, _)| follower.blogrolls_changed());
    if salt != store.salt || blogrolls_changed {
        refreshed.follow = super::Follow::Visited(visited);
        return Ok(StatusOnly::Changed(output, refreshed));
    }
    let mut report = super::report_of(loaded, states);
    if let Some((follower, _)) = visited {
        report.cache_warnings.extend(follower.finish());
    }
    let pages = store.files().filter(|(_, f, _)| f.is_some()).count();
    report.pages_rendered = 1;
    report.pages_kept = pages.saturating_sub(1);
    let written = output.finish_but(store, file, fingerprint)?;
    Ok(StatusOnly::Built(report, written))
}
