//! Feeds' icons and people's faces: fetched during the refresh with the feeds' own limits
//! (timeout, redirects, a 16 KB cap, conditional GET), believed only when their bytes are a
//! picture ([`crate::parse::images::sniff`]), kept in the state (`store`), and looked at again
//! only every [`ICON_REFRESH_DAYS`] days. Hands the render stage one [`Picture`] per feed or
//! avatar URL that has one; the others get a monogram there.
//!
//! A feed's icon is the one the feed names (Atom `icon`/`logo`, RSS `image`, JSON Feed
//! `favicon`/`icon`), else the first `<link rel="icon">` of its home page, else the
//! `/favicon.ico` of its site. A person's face is their list's `avatar`. Offline, the state
//! alone is used. A picture that cannot be had leaves the one kept before in place.

mod lookup;
pub mod store;

pub use store::{ICON_MAX_BYTES, Picture};

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use rayon::prelude::*;

use crate::refresh::FeedState;
use crate::site::{FetchConfig, Site};
use lookup::{Fetchers, Found, look};
use store::{IconRecord, IconStore};

/// How often a kept picture (or the lack of one) is looked at again, in days.
pub const ICON_REFRESH_DAYS: i64 = 7;

/// Something the site wants a picture of.
#[derive(Debug, Clone)]
pub struct Wanted {
    /// What it is of: a feed's normalized URL, or an avatar's URL.
    pub key: String,
    /// Who reads the messages: `feed <url>`, `avatar of <name> (<file>)`.
    pub label: String,
    /// The picture named by the feed (or the list's `avatar`).
    pub named: Option<String>,
    /// Where to look when `named` gives none: this home page's `<link rel="icon">`, then
    /// its site's `/favicon.ico`. `None`: nowhere else (an avatar).
    pub homepage: Option<String>,
}

/// The pictures the state has after a refresh, by key, and what went wrong getting them.
#[derive(Debug, Clone, Default)]
pub struct Pictures {
    /// By [`Wanted::key`].
    pub by_key: BTreeMap<String, Picture>,
    /// One plain-words line per picture that could not be had, naming its URL.
    pub warnings: Vec<String>,
    /// When the first of them falls due for another look; `None` when none is wanted.
    pub due: Option<DateTime<Utc>>,
}

/// What `site` wants pictures of: each feed that has content (its icon), each person with
/// an `avatar` (their face); each key once.
pub fn wanted(site: &Site, states: &[FeedState]) -> Vec<Wanted> {
    let mut wanted: Vec<Wanted> = states.iter().filter_map(feed_wanted).collect();
    let avatars = avatars_wanted(site, |key| wanted.iter().any(|w| w.key == key));
    wanted.extend(avatars);
    wanted
}

/// The icon a feed that has content wants, as soon as its refresh is done.
pub fn feed_wanted(state: &FeedState) -> Option<Wanted> {
    let feed = state.entry.as_ref()?.feed.as_ref()?;
    let homepage = feed.site_link.clone().or_else(|| {
        let url = url::Url::parse(&state.url).ok()?;
        Some(url.join("/").ok()?.to_string())
    });
    Some(Wanted {
        key: state.url.clone(),
        label: format!("feed {}", state.url),
        named: feed.icon.clone(),
        homepage,
    })
}

/// The faces the people of `site` want (each avatar once, and none whose URL is a feed's:
/// `is_feed`), known before any feed is fetched.
pub fn avatars_wanted(site: &Site, is_feed: impl Fn(&str) -> bool) -> Vec<Wanted> {
    let mut wanted: Vec<Wanted> = Vec::new();
    for person in &site.people {
        if let Some(avatar) = &person.avatar
            && !is_feed(avatar)
            && !wanted.iter().any(|w| w.key == *avatar)
        {
            wanted.push(Wanted {
                key: avatar.clone(),
                label: format!("avatar of {} ({})", person.name, person.file.display()),
                named: Some(avatar.clone()),
                homepage: None,
            });
        }
    }
    wanted
}

/// What the lookups made while the feeds were fetched found, by key ([`look_up_as_wanted`]),
/// for [`gather`].
#[derive(Debug, Default)]
pub struct Looks {
    by_key: std::collections::HashMap<String, Looked>,
    warnings: Vec<String>,
}

/// Looks for each picture as it is wanted, while the feeds are fetched: every [`Wanted`]
/// that `wanted` receives is looked for (when due) on `config.concurrency` threads of its
/// own, beside the feeds' fetch threads; the looks end when every sender is gone.
pub fn look_up_as_wanted(
    wanted: std::sync::mpsc::Receiver<Wanted>,
    config: &FetchConfig,
    dir: &Path,
    now: DateTime<Utc>,
) -> Looks {
    let store = IconStore::new(dir);
    let fetchers = match Fetchers::new(config) {
        Ok(f) => f,
        Err(e) => {
            // Nothing is fetched: `gather` reads every picture from the state.
            wanted.into_iter().for_each(drop);
            return Looks {
                warnings: vec![format!("icons not fetched: {e}")],
                ..Looks::default()
            };
        }
    };
    let run = |w: Wanted| {
        let looked = refresh_one(&w, &fetchers, &store, now);
        (w.key, looked)
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.concurrency.max(1))
        .thread_name(|i| format!("toluu-icons-{i}"))
        .build();
    let by_key = match pool {
        Ok(pool) => pool.install(|| wanted.into_iter().par_bridge().map(run).collect()),
        Err(_) => wanted.into_iter().map(run).collect(),
    };
    Looks {
        by_key,
        warnings: Vec::new(),
    }
}

/// The pictures of `wanted`, in its order: each from `looks`, or from the state in `dir`
/// when it was not looked up while the feeds were fetched.
pub fn gather(wanted: &[Wanted], mut looks: Looks, dir: &Path, now: DateTime<Utc>) -> Pictures {
    let store = IconStore::new(dir);
    let results = wanted
        .iter()
        .map(|w| {
            looks
                .by_key
                .remove(&w.key)
                .unwrap_or_else(|| from_store(w, &store, now))
        })
        .collect();
    let mut pictures = collect(wanted, results);
    looks.warnings.append(&mut pictures.warnings);
    pictures.warnings = looks.warnings;
    pictures
}

/// Brings the pictures of `wanted` up to date in the state directory `dir` (fetching only
/// when `online`, and only those not checked for [`ICON_REFRESH_DAYS`] days), on
/// `config.concurrency` threads.
pub fn refresh_pictures(
    wanted: &[Wanted],
    config: &FetchConfig,
    dir: &Path,
    online: bool,
    now: DateTime<Utc>,
) -> Pictures {
    if !online || wanted.is_empty() {
        return from_state(wanted, &IconStore::new(dir), now);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    for w in wanted {
        // The receiver lives until the looks end, after this sender is gone.
        let _ = tx.send(w.clone());
    }
    drop(tx);
    gather(wanted, look_up_as_wanted(rx, config, dir, now), dir, now)
}

/// What became of one wanted picture: the picture kept (or none), the warnings, and when it
/// falls due for another look.
type Looked = (Option<Picture>, Vec<String>, DateTime<Utc>);

/// The pictures as the state has them, nothing fetched.
fn from_state(wanted: &[Wanted], store: &IconStore, now: DateTime<Utc>) -> Pictures {
    let results = wanted.iter().map(|w| from_store(w, store, now)).collect();
    collect(wanted, results)
}

/// The picture of `w` as the state has it, nothing fetched.
fn from_store(w: &Wanted, store: &IconStore, now: DateTime<Utc>) -> Looked {
    let (record, mut warnings) = load(store, &w.key);
    let due = due_at(w, record.as_ref(), now);
    (kept(store, record.as_ref(), &mut warnings), warnings, due)
}

/// When the picture of `w`, last looked for as `record` says, falls due (`now` if it is).
fn due_at(w: &Wanted, record: Option<&IconRecord>, now: DateTime<Utc>) -> DateTime<Utc> {
    record
        .filter(|r| r.named == w.named)
        .map_or(now, |r| r.checked_at + Duration::days(ICON_REFRESH_DAYS))
}

fn collect(wanted: &[Wanted], results: Vec<Looked>) -> Pictures {
    let mut pictures = Pictures::default();
    for (w, (picture, warnings, due)) in wanted.iter().zip(results) {
        if let Some(p) = picture {
            pictures.by_key.insert(w.key.clone(), p);
        }
        pictures.warnings.extend(warnings);
        pictures.due = Some(pictures.due.map_or(due, |d| d.min(due)));
    }
    pictures
}

fn load(store: &IconStore, key: &str) -> (Option<IconRecord>, Vec<String>) {
    match store.load(key) {
        Ok(record) => (record, Vec::new()),
        Err(warning) => (None, vec![warning]),
    }
}

fn kept(
    store: &IconStore,
    record: Option<&IconRecord>,
    warnings: &mut Vec<String>,
) -> Option<Picture> {
    match record.map(|r| store.picture(r)) {
        Some(Ok(p)) => p,
        Some(Err(e)) => {
            warnings.push(e);
            None
        }
        None => None,
    }
}

/// Refreshes one picture when it is due: the kept picture (or none) and the warnings.
fn refresh_one(w: &Wanted, fetchers: &Fetchers, store: &IconStore, now: DateTime<Utc>) -> Looked {
    let (record, mut warnings) = load(store, &w.key);
    let old = kept(store, record.as_ref(), &mut warnings);
    let due = due_at(w, record.as_ref(), now);
    if now < due {
        return (old, warnings, due);
    }
    let kept_record = record.as_ref().filter(|_| old.is_some());
    let found = look(w.named.as_ref(), w.homepage.as_ref(), kept_record, fetchers);
    let mut next = IconRecord {
        format: store::ICON_FORMAT,
        key: w.key.clone(),
        named: w.named.clone(),
        source: None,
        ext: None,
        etag: None,
        last_modified: None,
        checked_at: now,
        error: None,
    };
    let old_ext = record.as_ref().and_then(|r| r.ext.clone());
    let (picture, new) = settle(w, found, record.as_ref(), old, &mut next, &mut warnings);
    if let Err(e) = store.store(&next, new.as_ref(), old_ext.as_deref()) {
        warnings.push(format!(
            "{}: cannot keep its icon: {e}",
            store.dir().display()
        ));
    }
    (picture, warnings, now + Duration::days(ICON_REFRESH_DAYS))
}

/// What a look found, made into the next record (`next`, filled in here): the picture the
/// site shows and the new picture to keep, if any.
fn settle(
    w: &Wanted,
    found: Found,
    record: Option<&IconRecord>,
    old: Option<Picture>,
    next: &mut IconRecord,
    warnings: &mut Vec<String>,
) -> (Option<Picture>, Option<Picture>) {
    match found {
        Found::Same => {
            if let Some(r) = record {
                *next = IconRecord {
                    named: w.named.clone(),
                    checked_at: next.checked_at,
                    error: None,
                    ..r.clone()
                };
            }
            (old, None)
        }
        Found::New(source, picture, validators) => {
            next.source = Some(source);
            next.ext = Some(picture.kind.ext().to_owned());
            next.etag = validators.etag;
            next.last_modified = validators.last_modified;
            (Some(picture.clone()), Some(picture))
        }
        Found::Nothing(tried) => {
            next.error = (!tried.is_empty()).then(|| describe(&tried));
            warnings.extend(tried.iter().filter(|t| t.2).map(|(url, why, _)| {
                format!(
                    "{}: icon {url}: {why}; {}",
                    w.label,
                    fallback(old.is_some())
                )
            }));
            // Nothing lost: the picture kept before stays, with what it came with.
            if let (Some(r), Some(_)) = (record, &old) {
                next.source = r.source.clone();
                next.ext = r.ext.clone();
                next.etag = r.etag.clone();
                next.last_modified = r.last_modified.clone();
            }
            (old, None)
        }
    }
}

fn fallback(kept_one: bool) -> &'static str {
    if kept_one {
        "the icon kept before stays"
    } else {
        "a monogram is shown instead"
    }
}

fn describe(tried: &[(String, String, bool)]) -> String {
    tried
        .iter()
        .map(|(url, why, _)| format!("{url}: {why}"))
        .collect::<Vec<_>>()
        .join("; ")
}
