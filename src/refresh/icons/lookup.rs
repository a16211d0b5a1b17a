//! One look for a picture: the clients it uses, the URLs it tries in order, and what it
//! found. Within one refresh, a URL is asked once: the feeds of one site share its
//! `/favicon.ico` (and, often, its home page), and the other looks wait for that answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::store::{ICON_MAX_BYTES, IconRecord, Picture};
use crate::parse::images::{icon_links, sniff};
use crate::refresh::fetch::{Fetcher, Response, Validators};
use crate::site::FetchConfig;
use crate::urls::reserved_for_examples;

/// What an unconditional request for a picture answered: the picture and its validators,
/// or why there is none.
type Answer = Result<Option<(Picture, Validators)>, String>;

/// The answers of one refresh, by URL: each is asked once, the first look asking and the
/// others waiting for it.
struct Answers<T>(Mutex<HashMap<String, Arc<OnceLock<T>>>>);

impl<T: Clone> Answers<T> {
    fn new() -> Self {
        Answers(Mutex::new(HashMap::new()))
    }

    /// The answer for `url`: asked with `ask` only if no look asked for it before.
    fn get(&self, url: &str, ask: impl FnOnce() -> T) -> T {
        let cell = {
            let mut map = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(map.entry(url.to_owned()).or_default())
        };
        cell.get_or_init(ask).clone()
    }
}

/// The two clients of a picture refresh: one for pictures (capped at [`ICON_MAX_BYTES`]),
/// one for home pages (capped like feeds), and the answers they had so far.
pub(super) struct Fetchers {
    pictures: Fetcher,
    pages: Fetcher,
    picture_answers: Answers<Answer>,
    page_answers: Answers<Vec<String>>,
}

impl Fetchers {
    pub(super) fn new(config: &FetchConfig) -> Result<Self, String> {
        let pictures = FetchConfig {
            max_bytes: config.max_bytes.min(ICON_MAX_BYTES),
            ..config.clone()
        };
        Ok(Fetchers {
            pictures: Fetcher::new(&pictures)?,
            pages: Fetcher::new(config)?,
            picture_answers: Answers::new(),
            page_answers: Answers::new(),
        })
    }
}

/// What one look for a picture found.
pub(super) enum Found {
    /// The kept picture is current (a 304, or the same bytes).
    Same,
    /// A new picture, from this URL, with its validators.
    New(String, Picture, Validators),
    /// Nothing: each URL tried, and why it gave nothing.
    Nothing(Vec<(String, String, bool)>),
}

/// Looks for a picture: the kept one's source again (conditionally), then the `named`
/// picture, then the `homepage`'s icons and its site's `/favicon.ico`.
pub(super) fn look(
    named: Option<&String>,
    homepage: Option<&String>,
    kept: Option<&IconRecord>,
    fetchers: &Fetchers,
) -> Found {
    let mut tried: Vec<(String, String, bool)> = Vec::new();
    if let Some(r) = kept
        && let Some(source) = &r.source
        && named.is_none_or(|n| n == source)
    {
        let validators = Validators {
            etag: r.etag.clone(),
            last_modified: r.last_modified.clone(),
        };
        match get_picture(&fetchers.pictures, source, &validators) {
            Ok(None) => return Found::Same,
            Ok(Some((p, v))) => return Found::New(source.clone(), p, v),
            Err(why) => tried.push((source.clone(), why, true)),
        }
    }
    let mut candidates: Vec<(String, bool)> = named.iter().map(|n| ((*n).clone(), true)).collect();
    if let Some(home) = homepage.filter(|h| !reserved_for_examples(h)) {
        candidates.extend(
            fetchers
                .page_answers
                .get(home, || homepage_icons(home, &fetchers.pages))
                .into_iter()
                .map(|u| (u, true)),
        );
        if let Some(ico) = url::Url::parse(home)
            .ok()
            .and_then(|u| u.join("/favicon.ico").ok())
        {
            candidates.push((ico.to_string(), false));
        }
    }
    for (url, loud) in candidates {
        if tried.iter().any(|t| t.0 == url) || reserved_for_examples(&url) {
            continue;
        }
        let answer = fetchers.picture_answers.get(&url, || {
            get_picture(&fetchers.pictures, &url, &Validators::default())
        });
        match answer {
            Ok(Some((p, v))) => return Found::New(url, p, v),
            Ok(None) => tried.push((url, "unexpected HTTP 304".to_owned(), loud)),
            // A site without /favicon.ico is common: only a wrong answer is worth a warning.
            Err(why) => {
                let loud = loud || !why.starts_with("HTTP 4");
                tried.push((url, why, loud));
            }
        }
    }
    Found::Nothing(tried)
}

/// The icons the home page at `url` names; none when it cannot be fetched.
fn homepage_icons(url: &str, fetcher: &Fetcher) -> Vec<String> {
    match fetcher.get(url, &Validators::default()) {
        Response::Body {
            bytes, final_url, ..
        } => icon_links(&String::from_utf8_lossy(&bytes), &final_url),
        _ => Vec::new(),
    }
}

/// Fetches a picture: `Ok(None)` for a 304, else the picture and its validators, or why not.
fn get_picture(
    fetcher: &Fetcher,
    url: &str,
    validators: &Validators,
) -> Result<Option<(Picture, Validators)>, String> {
    match fetcher.get(url, validators) {
        Response::NotModified => Ok(None),
        Response::Failed { error, .. } if error.starts_with("response too large") => {
            Err(format!("{error} (icons are kept only under 16 KB)"))
        }
        Response::Failed { error, .. } => Err(error),
        Response::Body {
            bytes, validators, ..
        } => {
            let kind = sniff(&bytes)?;
            Ok(Some((Picture { kind, bytes }, validators)))
        }
    }
}
